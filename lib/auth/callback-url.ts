/**
 * Where to send a person after signing in: only a path of this app. The value is judged the way
 * the browser will read it, by URL parsing against the app's origin (`/\evil.example` is
 * `//evil.example` to a browser, a string check is not enough), and what is kept is the path
 * alone, which cannot itself start a new authority (`//`).
 */
export function safeCallbackPath(callbackUrl: string | null | undefined, appOrigin: string): string {
  if (!callbackUrl) return "/";
  let url: URL;
  try {
    url = new URL(callbackUrl, appOrigin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(appOrigin).origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/";
}
