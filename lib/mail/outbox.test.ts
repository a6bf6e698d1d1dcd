import { describe, expect, it } from "vitest";
import { linkifyText, mailHtmlDocument } from "./outbox";
import { mailTransportInfo, smtpHost } from "./mail-transport-info";

describe("the outbox's mail views", () => {
  it("turns http(s) links of a text mail into links, leaving punctuation and other schemes as text", () => {
    expect(linkifyText("Open https://dairy.example/invite/abc. Or javascript:alert(1) and http://x.example/a?b=1, done")).toEqual([
      { kind: "text", text: "Open " },
      { kind: "link", href: "https://dairy.example/invite/abc" },
      { kind: "text", text: ". Or javascript:alert(1) and " },
      { kind: "link", href: "http://x.example/a?b=1" },
      { kind: "text", text: ", done" },
    ]);
    expect(linkifyText("")).toEqual([]);
  });

  it("puts a no-loads policy and new-tab links in front of the mail's HTML", () => {
    const fragment = mailHtmlDocument('<p><img src="https://tracker.example/pixel.gif">Hi</p>');
    expect(fragment).toMatch(/^<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
    expect(fragment).toContain('<base target="_blank">');
    const whole = mailHtmlDocument('<html><head data-x="1"><link rel="stylesheet" href="https://x.example/a.css"></head><body>Hi</body></html>');
    expect(whole.indexOf("Content-Security-Policy")).toBeLessThan(whole.indexOf("https://x.example/a.css"));
  });

  it("names the catcher, an external server's host (never its password), or none", () => {
    expect(mailTransportInfo({})).toEqual({ mode: "none" });
    expect(mailTransportInfo({ SMTP_URL: "smtp://127.0.0.1:2525", SDM_MAIL_CATCHER: "catcher" })).toEqual({ mode: "catcher", url: "smtp://127.0.0.1:2525" });
    expect(mailTransportInfo({ SMTP_URL: "smtps://user:secret@mail.example.com:465" })).toEqual({ mode: "external", host: "mail.example.com:465" });
    expect(smtpHost("not a url")).toBe("(not a valid URL)");
  });
});
