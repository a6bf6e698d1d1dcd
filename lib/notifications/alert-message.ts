/**
 * What a notification about an alert says: one subject a person can act on from the lock screen
 * ("CRITICAL: MM001 Milk meter 1 — Battery level at 4 % at Green Pastures"), a plain-text body with
 * the time in the farm's clock and links to the alert and the device, and a payload for webhooks
 * (alert, device, farm, links). Built once per alert and shared by every recipient of it.
 */
import { ALERT_SEVERITY_LABEL, ALERT_TYPE_LABEL, type AlertSeverityName, type AlertTypeName } from "../alerts/alert-fields";
import { clockFor, formatDateTime, LOCALES, type Clock, type Locale } from "../i18n/format";

export type AlertFacts = {
  alertId: number;
  alertType: string;
  severity: string;
  message: string | null;
  createdAt: Date;
  occurrenceCount?: number;
  device: { deviceId: string; name: string } | null;
  group: { code: string; name: string } | null;
  farm: { id: number; code: string; name: string; timezone: string };
  /** 0 = the rules' recipients; ≥ 1 = an escalation to that on-call level. */
  level?: number;
};

export type AlertMessage = {
  subject: string;
  /** Per locale: only the dates differ (the words are English in both for now). */
  body: Record<Locale, string>;
  payload: Record<string, unknown>;
};

/** The address people open links at: APP_URL, then NEXTAUTH_URL, then PUBLIC_URL, else localhost. */
export function appUrl(): string {
  const base = process.env.APP_URL || process.env.NEXTAUTH_URL || process.env.PUBLIC_URL || `http://localhost:${process.env.PORT || 3000}`;
  return base.replace(/\/+$/, "");
}

/**
 * clockFor validates the zone by building an Intl formatter (~1 ms): once per farm zone and
 * locale here, not once per alert of a 1,000-alert burst.
 */
const clocks = new Map<string, Clock>();
function farmClock(locale: Locale, timezone: string): Clock {
  const key = `${locale}|${timezone}`;
  let clock = clocks.get(key);
  if (!clock) {
    clock = clockFor({ locale }, { timezone });
    clocks.set(key, clock);
  }
  return clock;
}

/** Alerts raised by one statement share their time: formatted once per burst. */
const formatted = new Map<string, string>();
function raisedAt(date: Date, locale: Locale, timezone: string): string {
  const key = `${locale}|${timezone}|${date.getTime()}`;
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size > 5_000) formatted.clear();
    text = formatDateTime(date, farmClock(locale, timezone), { zone: true });
    formatted.set(key, text);
  }
  return text;
}

const typeLabel = (type: string) => ALERT_TYPE_LABEL[type as AlertTypeName] ?? type;
const severityLabel = (severity: string) => ALERT_SEVERITY_LABEL[severity as AlertSeverityName] ?? severity;

export function alertMessage(facts: AlertFacts, base = appUrl()): AlertMessage {
  const what = facts.message?.trim() || typeLabel(facts.alertType);
  const subjectOf = facts.device ? `${facts.device.deviceId} ${facts.device.name}` : facts.group ? `group ${facts.group.name}` : "farm";
  const level = facts.level ?? 0;
  const prefix = level > 0 ? `ESCALATED (level ${level}) ` : "";
  const subject = `${prefix}${severityLabel(facts.severity).toUpperCase()}: ${subjectOf} — ${what} at ${facts.farm.name}`.slice(0, 300);
  const links = {
    alert: `${base}/alerts/${facts.alertId}`,
    ...(facts.device ? { device: `${base}/devices/${encodeURIComponent(facts.device.deviceId)}` } : {}),
  };
  const body = Object.fromEntries(
    LOCALES.map((locale) => {
      const when = raisedAt(facts.createdAt, locale, facts.farm.timezone);
      const lines = [
        level > 0 ? `Nobody has acknowledged this critical alert yet: it now goes to on-call level ${level}.` : null,
        `${severityLabel(facts.severity)} alert: ${typeLabel(facts.alertType)}`,
        `${what}`,
        "",
        facts.device ? `Device: ${facts.device.deviceId} ${facts.device.name}` : null,
        facts.group ? `Group: ${facts.group.name}` : null,
        `Farm: ${facts.farm.name}`,
        `Raised: ${when}`,
        facts.occurrenceCount && facts.occurrenceCount > 1 ? `Seen ${facts.occurrenceCount} times` : null,
        "",
        `Open the alert (acknowledge it to stop escalation): ${links.alert}`,
        links.device ? `Open the device: ${links.device}` : null,
      ];
      return [locale, lines.filter((line) => line !== null).join("\n")];
    }),
  ) as Record<Locale, string>;
  const payload = {
    event: level > 0 ? "alert.escalated" : "alert.raised",
    level,
    alert: { id: facts.alertId, type: facts.alertType, severity: facts.severity, message: facts.message, created_at: facts.createdAt.toISOString() },
    device: facts.device ? { device_id: facts.device.deviceId, name: facts.device.name } : null,
    group: facts.group ? { code: facts.group.code, name: facts.group.name } : null,
    farm: { id: facts.farm.id, code: facts.farm.code, name: facts.farm.name, timezone: facts.farm.timezone },
    links,
  };
  return { subject, body, payload };
}
