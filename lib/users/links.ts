/**
 * Where links in mails and on screen point: the configured public address (APP_URL, else
 * NEXTAUTH_URL), else the address the admin's own request came to — behind a proxy that is the
 * address people use, which is what a link copied from the screen must be.
 */
export function appBaseUrl(requestOrigin?: string | null): string {
  const configured = process.env.APP_URL || process.env.NEXTAUTH_URL;
  const base = configured || requestOrigin || "http://localhost:3000";
  return base.replace(/\/+$/, "");
}

/** The origin of a request from its Host / X-Forwarded-* headers. */
export function originFromHeaders(headers: Pick<Headers, "get">): string | null {
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!host) return null;
  const protocol = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${protocol}://${host}`;
}

export const invitationLink = (base: string, token: string) => `${base}/invite/${token}`;
export const passwordResetLink = (base: string, token: string) => `${base}/reset/${token}`;
