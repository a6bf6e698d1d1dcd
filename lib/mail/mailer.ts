/**
 * Sending mail: nodemailer over SMTP_URL (smtp://user:pass@host:587, smtps://… for implicit TLS),
 * from MAIL_FROM. Only the notification delivery (lib/notifications/delivery.ts) calls it — anything
 * else queues a notification so a mail server that is down loses nothing. One pooled transport per
 * process; errors name the server's answer but never the URL (it may hold the SMTP password).
 */
import nodemailer, { type Transporter } from "nodemailer";

export const DEFAULT_MAIL_FROM = "Smart Dairy <alerts@smart-dairy.local>";

export type OutgoingMail = { to: string; subject: string; text: string; html?: string; headers?: Record<string, string> };
export type SentMail = { messageId: string; response: string; responseCode: number | null };

export type Mailer = {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
};

export class MailNotConfiguredError extends Error {
  override name = "MailNotConfiguredError";
}

/** The SMTP reply code of a nodemailer error or answer ("250 OK" → 250), if there is one. */
function replyCode(value: unknown): number | null {
  if (typeof value === "object" && value && "responseCode" in value && typeof value.responseCode === "number") return value.responseCode;
  if (typeof value === "string") {
    const code = Number(value.slice(0, 3));
    return Number.isInteger(code) && code >= 200 ? code : null;
  }
  return null;
}

/** What went wrong, without the URL nodemailer may quote. */
export function mailError(error: unknown, url?: string): { message: string; code: number | null } {
  let message = error instanceof Error ? error.message : String(error);
  if (url) message = message.replaceAll(url, "<SMTP_URL>");
  message = message.replace(/smtps?:\/\/[^\s]*/gi, "<SMTP_URL>");
  return { message: message.slice(0, 500), code: replyCode(error) };
}

export function createMailer(options: { url?: string | null; from?: string | null } = {}): Mailer {
  const url = options.url ?? process.env.SMTP_URL ?? null;
  const from = options.from ?? process.env.MAIL_FROM ?? DEFAULT_MAIL_FROM;
  let transport: Transporter | null = null;
  const open = (): Transporter => {
    if (!url) throw new MailNotConfiguredError("SMTP_URL is not set: mail cannot be sent (it stays queued and is retried).");
    transport ??= nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 5,
      // A server that does not answer must fail the attempt, not hang the delivery batch.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as nodemailer.TransportOptions);
    return transport;
  };
  return {
    async send(mail) {
      const info = await open().sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
      return { messageId: String(info.messageId ?? ""), response: String(info.response ?? ""), responseCode: replyCode(String(info.response ?? "")) };
    },
    close() {
      transport?.close();
      transport = null;
    },
  };
}
