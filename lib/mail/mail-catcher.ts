/**
 * The local mail catcher: a small SMTP server that keeps every mail it receives in `caught_mails`
 * instead of delivering it, so a demo (`npm start` without SMTP_URL) and the integration tests
 * send through real SMTP and the Outbox page (/admin/outbox) shows what arrived — the invitation
 * a newcomer must open, the alert mail of a critical sensor.
 *
 * It listens on 127.0.0.1 only and takes no authentication: nothing off this machine can use it,
 * and it relays nothing. STARTTLS is not offered (nodemailer would otherwise try to upgrade to a
 * certificate we do not have). A message over the size limit is refused with 552 before it is
 * parsed; a database failure answers 451 so the sender keeps the mail and tries again.
 */
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream } from "smtp-server";
import type { Db } from "../db";

/** How many mails the catcher keeps: the newest; older ones are deleted as new ones arrive. */
export const CAUGHT_MAILS_KEPT = 1000;
/** The largest message accepted (our mails are a few KB; attachments are not something we send). */
export const CAUGHT_MAIL_MAX_BYTES = 2 * 1024 * 1024;

export type MailCatcherOptions = {
  db: Pick<Db, "caughtMail" | "$executeRaw">;
  /** 0 (default): any free port, chosen by the system when listening — no race with another process. */
  port?: number;
  host?: string;
  maxBytes?: number;
  keep?: number;
  /** Problems (a mail that could not be stored). */
  log?: (line: string) => void;
  /** Each mail caught (start.ts prints a line; the test process stays quiet). */
  onCaught?: (mail: CaughtMailInput) => void;
};

export type MailCatcher = { port: number; url: string; close(): Promise<void> };

export type CaughtMailInput = { messageId: string | null; fromAddr: string; toAddrs: string[]; subject: string; text: string | null; html: string | null };

class SmtpReply extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max - 1) + "…" : value);

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((object) => object.value.map((entry) => entry.address ?? "").filter(Boolean));
}

/** The envelope's recipients first (they include Bcc), else the headers' To and Cc. */
function recipients(envelope: SMTPServerAddress[], to: AddressObject | AddressObject[] | undefined, cc: AddressObject | AddressObject[] | undefined): string[] {
  const fromEnvelope = envelope.map((entry) => entry.address).filter(Boolean);
  return [...new Set(fromEnvelope.length ? fromEnvelope : [...addresses(to), ...addresses(cc)])];
}

/** Parses a raw RFC 5322 message into what the Outbox shows. */
export async function parseCaughtMail(raw: Buffer, envelope: { mailFrom?: SMTPServerAddress | false; rcptTo?: SMTPServerAddress[] } = {}): Promise<CaughtMailInput> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const from = parsed.from?.text || (envelope.mailFrom ? envelope.mailFrom.address : "") || "(no sender)";
  return {
    messageId: parsed.messageId ? clip(parsed.messageId, 300) : null,
    fromAddr: clip(from, 300),
    toAddrs: recipients(envelope.rcptTo ?? [], parsed.to, parsed.cc).map((address) => clip(address, 300)),
    subject: clip(parsed.subject?.trim() || "(no subject)", 500),
    text: parsed.text ?? null,
    // `false` when the mail has no HTML part
    html: typeof parsed.html === "string" ? parsed.html : null,
  };
}

/** Stores one mail and drops what falls beyond the newest `keep`. */
export async function storeCaughtMail(db: MailCatcherOptions["db"], mail: CaughtMailInput, keep = CAUGHT_MAILS_KEPT) {
  const row = await db.caughtMail.create({ data: mail, select: { id: true } });
  // ids grow with arrival, so "older than the keep-th newest" is one index range
  await db.$executeRaw`DELETE FROM caught_mails WHERE id <= (SELECT id FROM caught_mails ORDER BY id DESC OFFSET ${keep} LIMIT 1)`;
  return row.id;
}

/** Reads the DATA stream up to the limit; past it, the rest is drained and the mail refused. */
function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    (stream as Readable).on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on("error", reject);
    stream.on("end", () => {
      if (stream.sizeExceeded || size > maxBytes) reject(new SmtpReply(`Message larger than ${maxBytes} bytes, not accepted`, 552));
      else resolve(Buffer.concat(chunks));
    });
  });
}

export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const { db, host = "127.0.0.1", maxBytes = CAUGHT_MAIL_MAX_BYTES, keep = CAUGHT_MAILS_KEPT } = options;
  const log = options.log ?? (() => undefined);
  const server = new SMTPServer({
    name: "sdm-mail-catcher",
    banner: "Smart Dairy local mail catcher: mails are kept, never delivered",
    secure: false,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    hideSTARTTLS: true,
    size: maxBytes,
    logger: false,
    // a stuck client must not hold a socket forever
    socketTimeout: 30_000,
    closeTimeout: 5_000,
    onData(stream, session, callback) {
      readMessage(stream, maxBytes)
        .then((raw) => parseCaughtMail(raw, session.envelope))
        .then(async (mail) => {
          try {
            await storeCaughtMail(db, mail, keep);
          } catch (error) {
            log(`could not store a mail: ${(error as Error).message}`);
            throw new SmtpReply("Could not store the message now, try again later", 451);
          }
          options.onCaught?.(mail);
          callback();
        })
        .catch((error: Error) => callback(error instanceof SmtpReply ? Object.assign(new Error(error.message), { responseCode: error.responseCode }) : Object.assign(new Error(`Message not accepted: ${error.message}`), { responseCode: 554 })));
    },
  });
  server.on("error", (error) => log(`smtp: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once("error", onError);
    server.listen(options.port ?? 0, host, () => {
      server.server.off("error", onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
