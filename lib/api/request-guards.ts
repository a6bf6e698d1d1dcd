/**
 * What a request must be before a route handler reads it: a body no larger than the route takes
 * (checked on the declared length, then counted while it streams, so an oversized body is never
 * buffered or parsed), and, when a browser's cookie is what authenticates it, sent by this app's
 * own pages (CSRF).
 */
import { ForbiddenError, PayloadTooLargeError } from "../errors";

/** JSON bodies: the largest legitimate one (a bulk change of 1,000 device ids) is ~20 KB. */
export const JSON_BODY_LIMIT = 64 * 1024;
/** Machine requests (a device's claim, a broker's hook): a few hundred bytes. */
export const MACHINE_BODY_LIMIT = 16 * 1024;

/**
 * What a route's body is: JSON (the default), or an upload whose file (form field `field`) may be
 * maxBytes, plus `envelope` bytes for the multipart boundaries and fields around it.
 */
export type BodySpec = { kind: "json"; maxBytes?: number } | { kind: "upload"; maxBytes: () => number; envelope: number; field: string };

/** The cap a route's body is read under, and the refusal that names it. */
export function bodyLimit(body: BodySpec): { maxBytes: number; tooLarge: () => PayloadTooLargeError } {
  if (body.kind === "json") {
    const maxBytes = body.maxBytes ?? JSON_BODY_LIMIT;
    return { maxBytes, tooLarge: () => new PayloadTooLargeError(maxBytes) };
  }
  const file = body.maxBytes();
  return { maxBytes: file + body.envelope, tooLarge: () => new PayloadTooLargeError(file, "The file", { [body.field]: [`At most ${file / 1024 / 1024} MB`] }) };
}

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The request with its body capped at maxBytes: a declared Content-Length over it is refused at
 * once; a body without one (chunked) fails with PayloadTooLargeError at the first byte past it,
 * whoever reads it (request.json(), formData(), a stream).
 */
export function limitBody(request: Request, maxBytes: number, tooLarge = () => new PayloadTooLargeError(maxBytes)): Request {
  if (!request.body) return request;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  let seen = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request.url, { method: request.method, headers: request.headers, body: counted, signal: request.signal, duplex: "half" } as RequestInit);
}

/** The PayloadTooLargeError behind a failed read (the platform may wrap a stream's error). */
export function tooLargeCause(error: unknown): PayloadTooLargeError | null {
  for (let cause = error, depth = 0; cause && depth < 4; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof PayloadTooLargeError) return cause;
  }
  return null;
}

/**
 * A cookie-authenticated change must come from this app's own pages. Browsers say where a request
 * comes from, Sec-Fetch-Site and Origin, on every non-GET: each one present must say this origin
 * (a form on another port of the same host is same-site, so SameSite=Lax sends the cookie along).
 * A request with neither is not from a browser, and a browser cannot be made to drop them. The
 * body must also be of a type no cross-site form can send without a CORS preflight: JSON, or
 * multipart for the upload routes (which the origin check then guards); a bodiless DELETE or POST
 * needs none.
 */
export function assertSameOriginRequest(request: Request, body: BodySpec) {
  const headers = request.headers;
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin") throw new ForbiddenError(`Cross-site request refused (Sec-Fetch-Site: ${fetchSite}). Use an API key for requests from other sites.`);
  const origin = headers.get("origin");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" (an opaque origin: a sandboxed frame, a no-referrer page) is no origin of ours
    }
    const host = (headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(request.url).host).split(",")[0]?.trim();
    if (!originHost || originHost !== host) throw new ForbiddenError(`Cross-origin request refused (from ${origin}). Use an API key for requests from other sites.`);
  }
  const type = (headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const hasBody = Number(headers.get("content-length") ?? 0) > 0 || headers.has("transfer-encoding");
  if (!type && !hasBody) return;
  const accepted = body.kind === "upload" ? type === "multipart/form-data" : type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
  if (!accepted) throw new ForbiddenError(`A signed-in request must send ${body.kind === "upload" ? "multipart/form-data" : "application/json"}, not ${type || "a body without a content type"}.`);
}
