/**
 * The address a request comes from, for throttles and audit lines: the one helper every limit
 * keyed by address uses (sign-in, device claims).
 *
 * Next.js does not give route handlers, server actions or next-auth the socket's address, and it
 * passes a client's own X-Forwarded-For through untouched (it fills the header only when absent).
 * So the product's web server (scripts/web-server.ts) writes the socket's address into
 * PEER_ADDRESS_HEADER on every request, over whatever the client sent. Forwarded addresses are
 * believed only as far as the chain runs through configured proxies (TRUSTED_PROXIES or
 * TRUSTED_PROXY_HOPS): a client that invents X-Forwarded-For values is still counted by its socket.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import { loadConfig, type AppConfig } from "../config/env";

export const PEER_ADDRESS_HEADER = "x-sdm-peer-address";
/** Set by scripts/web-server.ts in its own process: PEER_ADDRESS_HEADER is its doing, not a client's. */
export const PEER_ADDRESS_MARKER_ENV = "SDM_PEER_ADDRESS_HEADER";

type HeaderSource = Headers | Record<string, unknown> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "string" ? value : undefined;
}

export type ProxyTrust = (address: string, hopIndex: number) => boolean;

/** Which hops may be believed: the configured proxies, the first N hops, or none. */
export function proxyTrust(config: Pick<AppConfig, "TRUSTED_PROXIES" | "TRUSTED_PROXY_HOPS">): ProxyTrust {
  if (config.TRUSTED_PROXIES?.length) return proxyAddr.compile(config.TRUSTED_PROXIES);
  const hops = config.TRUSTED_PROXY_HOPS ?? 0;
  return (_address, index) => index < hops;
}

let warnedUnvouched = false;

/**
 * The client's address. `peer` is the socket's address when the caller knows it; by default it is
 * read from PEER_ADDRESS_HEADER, believed only when the product's web server set it.
 */
export function clientAddress(headers: HeaderSource, options: { trust?: ProxyTrust; peer?: string } = {}): string {
  let forwarded = header(headers, "x-forwarded-for");
  let peer = options.peer;
  if (peer === undefined && process.env[PEER_ADDRESS_MARKER_ENV] === "1") peer = header(headers, PEER_ADDRESS_HEADER);
  if (!peer) {
    // Without the product's web server (a bare `next start`) the nearest hop is the last one
    // Next.js recorded: the socket when the client sent no X-Forwarded-For, else the client's word.
    if (!warnedUnvouched && process.env.NODE_ENV === "production") {
      warnedUnvouched = true;
      console.warn("client addresses come from X-Forwarded-For as sent: run the web app with scripts/web-server.ts (npm start does) so that throttles see the real address");
    }
    const hops = (forwarded ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
    peer = hops.pop() ?? "unknown";
    forwarded = hops.join(", ") || undefined;
  }
  return normalise(proxyAddr(fakeRequest(peer, forwarded), options.trust ?? proxyTrust(loadConfig())));
}

/** proxy-addr reads a Node request: the socket's address and the X-Forwarded-For header. */
function fakeRequest(peer: string, forwarded: string | undefined): IncomingMessage {
  return { connection: { remoteAddress: peer }, socket: { remoteAddress: peer }, headers: forwarded ? { "x-forwarded-for": forwarded } : {} } as unknown as IncomingMessage;
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; the column holds 64 characters. */
function normalise(address: string): string {
  const plain = address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
  return (plain || "unknown").slice(0, 64);
}
