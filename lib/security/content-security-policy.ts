/**
 * The Content-Security-Policy of the app's pages (proxy.ts sets it with a fresh nonce per request;
 * Next.js reads the nonce back from the request's header and puts it on its own scripts). Scripts:
 * only the nonced ones and what they load ('strict-dynamic'). Styles stay 'unsafe-inline': React's
 * style attributes, Leaflet's and recharts' positioning and the label's print rules are inline, and
 * a nonce cannot cover a style attribute. Images: the app, data:/blob: (QR codes, camera frames) and
 * the map's tile server when MAP_TILE_URL names one. No page may be framed (clickjacking).
 */
export function pageContentSecurityPolicy(options: { nonce: string; dev?: boolean; tileUrl?: string | null }): string {
  const tiles = tileSource(options.tileUrl);
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // React's development build evaluates strings for its call stacks; the production build does not.
    "script-src": ["'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", ...(tiles ? [tiles] : [])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/**
 * The CSP source for a Leaflet tile URL template: its scheme and host, a `{s}` subdomain as `*.`.
 * A host templated anywhere else cannot be written as a source, so the scheme alone stands for it.
 */
export function tileSource(template: string | null | undefined): string | null {
  const match = template?.trim().match(/^(https?:)?\/\/([^/?#]+)/i);
  if (!match) return null;
  // A scheme-relative template (`//host/…`) is a bare host in CSP: it then matches the page's scheme.
  const scheme = match[1] ? `${match[1].toLowerCase()}//` : "";
  const host = match[2]!.toLowerCase();
  const subdomain = host.match(/^\{[a-z]+\}\.(.+)$/);
  if (subdomain && !subdomain[1]!.includes("{")) return `${scheme}*.${subdomain[1]}`;
  if (host.includes("{")) return match[1] ? match[1].toLowerCase() : "https:";
  return `${scheme}${host}`;
}
