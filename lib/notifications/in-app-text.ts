/**
 * A notification's text as the app shows it: the stored body is the mail's plain text, whose
 * "Open the alert: https://…" lines are right in a mail but read as pasted URLs on a screen. Here
 * each such line becomes its words as a link, and a URL of the app itself a path in the app.
 */
export type InAppPiece = { text: string; href?: string };
export type InAppLine = InAppPiece[];

const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
const LABELLED_URL = /^(.*\S)\s*:\s*(https?:\/\/[^\s<>"]+)\s*$/;

/** The app's own links as paths (they open in the same tab, wherever the app is reached from). */
function hrefOf(url: string, base: string): string {
  const root = base.replace(/\/+$/, "");
  if (url === root) return "/";
  if (url.startsWith(`${root}/`)) return url.slice(root.length);
  return url;
}

function shortText(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return url;
  }
}

/** One line: "Words (a remark): URL" → the words linked, the remark kept; other URLs linked where they stand. */
function lineOf(line: string, base: string): InAppLine {
  const labelled = LABELLED_URL.exec(line);
  if (labelled && !/https?:\/\//.test(labelled[1]!)) {
    const [, label, url] = labelled as unknown as [string, string, string];
    const remark = /^(.*\S)\s+(\([^()]*\))$/.exec(label);
    const href = hrefOf(url, base);
    return remark ? [{ text: remark[1]!, href }, { text: ` ${remark[2]!}` }] : [{ text: label, href }];
  }
  const pieces: InAppLine = [];
  let from = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    // A sentence's full stop or a closing bracket after a URL is not part of it.
    const url = match[0].replace(/[.,;:!?)\]]+$/, "");
    const at = match.index ?? 0;
    if (at > from) pieces.push({ text: line.slice(from, at) });
    pieces.push({ text: shortText(url), href: hrefOf(url, base) });
    from = at + url.length;
  }
  if (from < line.length || pieces.length === 0) pieces.push({ text: line.slice(from) });
  return pieces;
}

/** The body's lines, each as text and links; `base` is the app's address (appUrl()). */
export function inAppText(body: string, base: string): InAppLine[] {
  return body.split("\n").map((line) => lineOf(line, base));
}
