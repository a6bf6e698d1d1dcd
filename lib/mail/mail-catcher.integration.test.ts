/**
 * The local mail catcher over real SMTP: nodemailer sends, the catcher parses and stores, and the
 * test reads `caught_mails`. Also the catcher process scripts/with-services.ts started for this run
 * (SMTP_URL), which writes to the same test database.
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../db";
import { startMailCatcher, storeCaughtMail, type MailCatcher } from "./mail-catcher";

const db = getDb();
let catcher: MailCatcher;

beforeAll(async () => {
  catcher = await startMailCatcher({ db, maxBytes: 64 * 1024 });
});

afterAll(async () => {
  await catcher?.close();
  await disconnectDb();
});

/** Waits for the row a mail with this subject became (the catcher stores before it answers 250, but another process may be slower). */
async function caught(subject: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.caughtMail.findFirst({ where: { subject } });
    if (row || Date.now() > deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the mail catcher", () => {
  it("receives a mail sent with nodemailer through SMTP and stores it parsed", async () => {
    const transport = nodemailer.createTransport(catcher.url);
    const subject = `Invitation to Smart Dairy ${randomUUID()}`;
    const info = await transport.sendMail({
      from: '"Smart Dairy" <noreply@smartdairy.example>',
      to: "Tessa Technician <tessa@farm.example>",
      cc: "manager@farm.example",
      bcc: "audit@farm.example",
      subject,
      text: "Open https://dairy.example/invite/abc to set your password.",
      html: '<p>Open <a href="https://dairy.example/invite/abc">your invitation</a> to set your password.</p>',
    });
    expect(info.accepted).toEqual(["tessa@farm.example", "manager@farm.example", "audit@farm.example"]);
    transport.close();

    const row = await caught(subject);
    expect(row).toMatchObject({
      subject,
      fromAddr: '"Smart Dairy" <noreply@smartdairy.example>',
      text: "Open https://dairy.example/invite/abc to set your password.",
      html: '<p>Open <a href="https://dairy.example/invite/abc">your invitation</a> to set your password.</p>',
      messageId: info.messageId,
    });
    // the envelope's recipients: Bcc included, as a mail server sees them
    expect(row!.toAddrs).toEqual(["tessa@farm.example", "manager@farm.example", "audit@farm.example"]);
  });

  it("keeps a text-only mail without HTML and a mail without subject", async () => {
    const transport = nodemailer.createTransport(catcher.url);
    const marker = randomUUID();
    await transport.sendMail({ from: "a@example.com", to: "b@example.com", text: `plain ${marker}` });
    transport.close();
    const row = await db.caughtMail.findFirst({ where: { text: { contains: marker } } });
    expect(row).toMatchObject({ subject: "(no subject)", html: null, toAddrs: ["b@example.com"] });
  });

  it("refuses a message over the size limit and stores nothing of it", async () => {
    const transport = nodemailer.createTransport(catcher.url);
    const subject = `too big ${randomUUID()}`;
    await expect(transport.sendMail({ from: "a@example.com", to: "b@example.com", subject, text: "x".repeat(200 * 1024) })).rejects.toThrow(/552|size/i);
    transport.close();
    expect(await db.caughtMail.count({ where: { subject } })).toBe(0);
  });

  it("listens on 127.0.0.1 only, offers neither STARTTLS nor AUTH", async () => {
    expect(catcher.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(catcher.port, "127.0.0.1");
      let text = "";
      let asked = false;
      socket.on("data", (chunk) => {
        text += chunk.toString();
        if (!asked && /^220 /m.test(text)) {
          asked = true;
          text = "";
          socket.write("EHLO test.example\r\n");
        } else if (asked && /^250 /m.test(text)) {
          // "250 " (not "250-") ends the EHLO answer
          socket.end("QUIT\r\n");
          resolve(text);
        }
      });
      socket.on("error", reject);
    });
    expect(greeting).toMatch(/SIZE 65536/);
    expect(greeting).not.toMatch(/STARTTLS/);
    expect(greeting).not.toMatch(/AUTH/);
  });

  it("keeps only the newest mails", async () => {
    const marker = randomUUID();
    for (let i = 0; i < 5; i++) await storeCaughtMail(db, { messageId: null, fromAddr: "a@example.com", toAddrs: ["b@example.com"], subject: `keep ${marker} ${i}`, text: null, html: null }, 3);
    const left = await db.caughtMail.findMany({ orderBy: { id: "asc" }, select: { subject: true } });
    expect(left.map((row) => row.subject)).toEqual([`keep ${marker} 2`, `keep ${marker} 3`, `keep ${marker} 4`]);
  });
});

describe("the catcher process of the test run", () => {
  const runsOne = process.env.SDM_MAIL_CATCHER === "catcher";

  it.runIf(runsOne)("answers at SMTP_URL and stores into this test database", async () => {
    expect(process.env.SMTP_URL).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.SMTP_URL).not.toBe(catcher.url);
    const transport = nodemailer.createTransport(process.env.SMTP_URL);
    const subject = `Critical: milk tank MT001 ${randomUUID()}`;
    await transport.sendMail({ from: "alerts@smartdairy.example", to: "manager@farm.example", subject, text: "Temperature 9.1 °C", html: "<b>Temperature 9.1 °C</b>" });
    transport.close();
    expect(await caught(subject)).toMatchObject({ subject, toAddrs: ["manager@farm.example"], text: "Temperature 9.1 °C", html: "<b>Temperature 9.1 °C</b>" });
  });

  it.runIf(!runsOne)("is not started when SMTP_URL names an external server", () => {
    expect(process.env.SMTP_URL ?? "").not.toBe("");
  });
});
