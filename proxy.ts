/**
 * Runs before every page: gives it a Content-Security-Policy with a fresh nonce (Next.js puts the
 * nonce on its scripts, which is why every page renders per request), and sends a visitor without a
 * session to the login page. The redirect is only the fast path: every page, action and route
 * handler checks the session and role again on the server.
 */
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { pageContentSecurityPolicy } from "@/lib/security/content-security-policy";

/** Pages for people without a session: signing in, and the one-time invitation and reset links. */
function isPublicPage(pathname: string) {
  return pathname === "/login" || pathname.startsWith("/invite/") || pathname.startsWith("/reset/");
}

export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = pageContentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", tileUrl: process.env.MAP_TILE_URL });
  let response: NextResponse;
  if (isPublicPage(request.nextUrl.pathname) || (await getToken({ req: request, secret: process.env.AUTH_SECRET }))) {
    const headers = new Headers(request.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  } else {
    const login = new URL("/login", request.url);
    const back = request.nextUrl.pathname + request.nextUrl.search;
    if (back !== "/") login.searchParams.set("callbackUrl", back);
    response = NextResponse.redirect(login);
  }
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Pages only. /api answers 401 JSON itself and gets its headers from next.config.mjs; running the
  // proxy on it would make Next.js buffer every request body (firmware uploads) for the proxy.
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
