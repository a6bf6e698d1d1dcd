import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { alertMessage } from "./alert-message";
import { signWebhook, webhookBody } from "./webhook";

const message = alertMessage(
  {
    alertId: 42,
    alertType: "low_battery",
    severity: "critical",
    message: "Battery level at 4 %",
    createdAt: new Date("2026-12-04T01:05:00Z"),
    device: { deviceId: "MM001", name: "Milk meter 1" },
    group: null,
    farm: { id: 1, code: "GP", name: "Green Pastures", timezone: "Europe/Amsterdam" },
  },
  "https://dairy.example",
);

describe("alert messages", () => {
  it("say what, where and when (farm clock), with links", () => {
    expect(message.subject).toBe("CRITICAL: MM001 Milk meter 1 — Battery level at 4 % at Green Pastures");
    expect(message.body.en).toContain("Raised: 4 Dec 2026, 02:05 CET");
    expect(message.body.en).toContain("https://dairy.example/alerts/42");
    expect(message.body.en).toContain("https://dairy.example/devices/MM001");
    expect(message.payload).toMatchObject({ event: "alert.raised", alert: { id: 42, severity: "critical" }, device: { device_id: "MM001" }, links: { alert: "https://dairy.example/alerts/42" } });
  });
});

describe("webhook bodies", () => {
  const input = { subject: message.subject, body: message.body.en, payload: message.payload };
  it("json: our payload plus subject and text", () => {
    expect(JSON.parse(webhookBody("json", input))).toMatchObject({ event: "alert.raised", subject: message.subject, text: message.body.en });
  });
  it("slack: text and blocks, mrkdwn escaped, buttons to the alert and device", () => {
    const body = JSON.parse(webhookBody("slack", { ...input, subject: "a <b> & c" }));
    expect(body.text).toBe("a <b> & c");
    expect(body.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "*a &lt;b&gt; &amp; c*" } });
    expect(body.blocks.at(-1).elements.map((button: { url: string }) => button.url)).toEqual(["https://dairy.example/alerts/42", "https://dairy.example/devices/MM001"]);
  });
  it("teams: an Adaptive Card message", () => {
    const body = JSON.parse(webhookBody("teams", input));
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(body.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4", actions: [{ type: "Action.OpenUrl", url: "https://dairy.example/alerts/42" }, { type: "Action.OpenUrl" }] });
  });
  it("signature: sha256 HMAC of timestamp.body", () => {
    const expected = createHmac("sha256", "s3cret").update("1700000000.{}").digest("hex");
    expect(signWebhook("s3cret", "1700000000", "{}")).toBe(`sha256=${expected}`);
  });
});
