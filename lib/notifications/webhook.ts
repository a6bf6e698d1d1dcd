/**
 * Webhook calls: the body in the channel's format (our JSON, a Slack incoming webhook, a Microsoft
 * Teams incoming webhook / Workflows Adaptive Card), an HMAC signature when the channel has a
 * secret, and one bounded call: 10 s, no redirects (a redirect could lead past the address check),
 * the address checked with DNS right before the call. Errors name the host, never the full URL
 * (webhook URLs carry their own credentials, e.g. Slack's /services/T…/B…/secret).
 */
import { createHmac } from "node:crypto";
import { checkWebhookUrl } from "./safe-url";

export type WebhookFormat = "json" | "slack" | "teams";

export type WebhookMessage = { subject: string; body: string; payload: Record<string, unknown> };

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const slackEscape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function linkOf(payload: Record<string, unknown>, name: string): string | null {
  const links = payload.links;
  if (links && typeof links === "object" && name in links) {
    const value = (links as Record<string, unknown>)[name];
    return typeof value === "string" ? value : null;
  }
  return null;
}

export function webhookBody(format: WebhookFormat, message: WebhookMessage): string {
  const alertLink = linkOf(message.payload, "alert");
  const deviceLink = linkOf(message.payload, "device");
  switch (format) {
    case "slack": {
      const buttons = [
        alertLink ? { type: "button", text: { type: "plain_text", text: "Open alert" }, url: alertLink, style: "primary" } : null,
        deviceLink ? { type: "button", text: { type: "plain_text", text: "Open device" }, url: deviceLink } : null,
      ].filter((button) => button !== null);
      return JSON.stringify({
        text: message.subject,
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: `*${slackEscape(message.subject)}*` } },
          { type: "section", text: { type: "mrkdwn", text: slackEscape(message.body).slice(0, 2900) } },
          ...(buttons.length ? [{ type: "actions", elements: buttons }] : []),
        ],
      });
    }
    case "teams": {
      // The Adaptive Card message shape both Teams Workflows and the older incoming webhooks take.
      const actions = [
        alertLink ? { type: "Action.OpenUrl", title: "Open alert", url: alertLink } : null,
        deviceLink ? { type: "Action.OpenUrl", title: "Open device", url: deviceLink } : null,
      ].filter((action) => action !== null);
      return JSON.stringify({
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            contentUrl: null,
            content: {
              $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
              type: "AdaptiveCard",
              version: "1.4",
              body: [
                { type: "TextBlock", text: message.subject, weight: "Bolder", size: "Medium", wrap: true },
                { type: "TextBlock", text: message.body, wrap: true },
              ],
              actions,
            },
          },
        ],
      });
    }
    default:
      return JSON.stringify({ ...message.payload, subject: message.subject, text: message.body });
  }
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the receiver recomputes it with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type WebhookOutcome = { ok: boolean; code: number | null; error: string | null };

/** Why a call failed, in words a farm manager can act on; never the URL. */
function describeFetchError(error: unknown, host: string, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `${host} did not answer within ${timeoutMs / 1000} s.`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && "code" in cause ? String((cause as { code?: unknown }).code) : null;
  if (code === "ECONNREFUSED") return `${host} refused the connection.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `The host ${host} cannot be found.`;
  if (code) return `Calling ${host} failed (${code}).`;
  return `Calling ${host} failed: ${(cause ?? (error as Error)).message ?? String(error)}`.slice(0, 300);
}

export async function callWebhook(input: { url: string; format: WebhookFormat; secret: string | null; message: WebhookMessage; now?: Date; timeoutMs?: number }): Promise<WebhookOutcome> {
  let host = "the webhook";
  try {
    host = new URL(input.url).host;
  } catch {
    // parseWebhookUrl below says what is wrong
  }
  try {
    await checkWebhookUrl(input.url);
  } catch (error) {
    return { ok: false, code: null, error: `Refused before calling: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = webhookBody(input.format, input.message);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "SmartDairy-Notifications/1" };
  if (input.secret) {
    const timestamp = String(Math.floor((input.now ?? new Date()).getTime() / 1000));
    headers["x-sdm-timestamp"] = timestamp;
    headers["x-sdm-signature"] = signWebhook(input.secret, timestamp, body);
  }
  try {
    const response = await fetch(input.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(input.timeoutMs ?? WEBHOOK_TIMEOUT_MS) });
    // Drain the body so the keep-alive connection is reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, code: response.status, error: null };
    if (response.status >= 300 && response.status < 400) return { ok: false, code: response.status, error: `${host} answered with a redirect (HTTP ${response.status}); webhooks are not followed to another address.` };
    return { ok: false, code: response.status, error: `${host} answered HTTP ${response.status}.` };
  } catch (error) {
    return { ok: false, code: null, error: describeFetchError(error, host, input.timeoutMs ?? WEBHOOK_TIMEOUT_MS) };
  }
}
