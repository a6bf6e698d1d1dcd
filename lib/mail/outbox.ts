/**
 * Reading what the local mail catcher kept (lib/mail/mail-catcher.ts) for the Outbox page: the
 * newest first, a page at a time, and one mail with its HTML made safe to show in a sandboxed frame.
 */
import type { Db } from "../db";

export const OUTBOX_PAGE_SIZE = 50;

export type OutboxItem = { id: number; toAddrs: string[]; subject: string; fromAddr: string; receivedAt: Date };

export async function listCaughtMails(db: Pick<Db, "caughtMail">, page: number) {
  const current = Number.isInteger(page) && page > 0 ? page : 1;
  const [items, total] = await Promise.all([
    db.caughtMail.findMany({ orderBy: { id: "desc" }, skip: (current - 1) * OUTBOX_PAGE_SIZE, take: OUTBOX_PAGE_SIZE, select: { id: true, toAddrs: true, subject: true, fromAddr: true, receivedAt: true } }),
    db.caughtMail.count(),
  ]);
  return { items: items as OutboxItem[], total, page: current, pages: Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE)) };
}

export function getCaughtMail(db: Pick<Db, "caughtMail">, id: number) {
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) return Promise.resolve(null);
  return db.caughtMail.findUnique({ where: { id } });
}

/**
 * The mail's HTML as an iframe `srcdoc`. The frame is sandboxed without scripts or same-origin
 * (the page sets that); inside, a Content-Security-Policy forbids every load but inline styles and
 * data: images — a mail's remote images and fonts would tell their sender it was opened — and
 * links open in a new tab (the sandbox allows popups for exactly that).
 */
export function mailHtmlDocument(html: string): string {
  const head =
    '<meta charset="utf-8">' +
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:\">" +
    '<base target="_blank">' +
    "<style>body{font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1c1917;margin:16px;overflow-wrap:anywhere}</style>";
  // The policy must come before anything the mail's own <head> could load.
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (tag) => tag + head) : `<!doctype html><html><head>${head}</head><body>${html}</body></html>`;
}

export type TextPart = { kind: "text"; text: string } | { kind: "link"; href: string };

/** A plain-text body as text and http(s) links, so an invitation link can be opened from the page. */
export function linkifyText(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const pattern = /https?:\/\/[^\s<>"')\]]+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    // a sentence's full stop or comma after a link is not part of it
    const href = match[0].replace(/[.,;:!?]+$/, "");
    const start = match.index;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", href });
    last = start + href.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}
