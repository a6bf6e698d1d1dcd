/**
 * Sends a visitor without a session to the login page before any page renders. This is only the
 * fast path: every page, action and route handler checks the session and role again on the server.
 */
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: process.env.AUTH_SECRET });
  if (token) return NextResponse.next();
  const login = new URL("/login", request.url);
  const back = request.nextUrl.pathname + request.nextUrl.search;
  if (back !== "/") login.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages only: /api answers 401 JSON itself, /login and static files are public.
  matcher: ["/((?!api|login|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
