/**
 * The notification side of the demo (issue 18 §3–4), so the bell, the notification list, the
 * settings and the delivery log show something true on a fresh start. On Green Valley Dairy:
 *
 * - rule "Critical to the manager" (critical alerts → Lars, the farm manager, by e-mail and in the
 *   app, as his own preferences say) and "Warnings, quiet at night" (warnings to Lars and Priya,
 *   held from 22:00 to 06:00 farm time);
 * - the on-call list: level 1 the farm manager, level 2 the admin; the escalation interval
 *   shortened to 2 minutes so a newcomer can watch an escalation happen (15 is the default);
 * - a disabled Slack-format webhook channel (https://hooks.slack.com/services/DEMO/DEMO/DEMO,
 *   stored sealed like any webhook URL) that failed with the demo URL and was switched off;
 * - three past alerts (the bulk-tank probe offline, a milk meter's error rate, a collar's battery)
 *   with the in-app notifications they caused — some read, some not — the mails and the failed
 *   webhook call in the delivery log, one mail failed while the mail server was down (Retry now).
 *
 * Alerts are written with `notified_at` set: the worker's fan-out does not notify them again.
 */
import type { Db } from "../lib/db";
import { sealSecret } from "../lib/security/secret-box";

const MINUTE = 60_000;

export async function seedDemoNotifications(db: Db, now = new Date()): Promise<{ rules: number; notifications: number; alerts: number }> {
  const farm = await db.farm.findUniqueOrThrow({ where: { code: "GVD" } });
  const person = (email: string) => db.user.findUniqueOrThrow({ where: { email } });
  const [manager, technician, admin] = await Promise.all([person("manager@smartdairy.example"), person("tech@smartdairy.example"), person("admin@smartdairy.example")]);
  const device = (deviceId: string) => db.device.findUniqueOrThrow({ where: { deviceId }, select: { id: true, deviceId: true, name: true, locationDescription: true } });
  const [tankProbe, meter, collar] = await Promise.all([device("TS001"), device("MM002"), device("AC003")]);
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);

  await db.farm.update({ where: { id: farm.id }, data: { escalationIntervalMinutes: 2 } });

  const critical = await db.notificationRule.create({ data: { farmId: farm.id, name: "Critical to the manager", minSeverity: "critical", userIds: [manager.id] } });
  await db.notificationRule.create({
    data: { farmId: farm.id, name: "Warnings, quiet at night", minSeverity: "warning", alertTypes: ["low_battery", "poor_signal", "telemetry_late", "elevated_errors"], userIds: [manager.id, technician.id], quietStart: 22 * 60, quietEnd: 6 * 60 },
  });
  await db.onCallEntry.createMany({ data: [{ farmId: farm.id, level: 1, userId: manager.id }, { farmId: farm.id, level: 2, userId: admin.id }] });

  // Sealing needs the server's key (SECRETS_KEY or AUTH_SECRET); without one the channel is left out.
  let slackId: number | null = null;
  if (process.env.SECRETS_KEY || process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET) {
    const slack = await db.notificationChannel.create({
      data: { farmId: farm.id, name: "Green Valley Slack #barn-alerts", kind: "webhook", format: "slack", urlEncrypted: sealSecret("https://hooks.slack.com/services/DEMO/DEMO/DEMO"), urlHost: "hooks.slack.com", enabled: false },
    });
    slackId = slack.id;
  }

  const tankAlert = await db.alert.create({
    data: {
      deviceId: tankProbe.id,
      alertType: "offline",
      severity: "critical",
      state: "resolved",
      message: `${tankProbe.name} (${tankProbe.deviceId}, ${tankProbe.locationDescription}) stopped reporting`,
      firstOccurrence: ago(26 * 60),
      lastOccurrence: ago(26 * 60),
      createdAt: ago(26 * 60),
      acknowledgedById: manager.id,
      acknowledgedAt: ago(26 * 60 - 6),
      acknowledgeNotes: "Power strip in the tank room tripped; reset.",
      resolvedById: manager.id,
      resolvedAt: ago(26 * 60 - 20),
      resolutionNotes: "Back online after the power reset.",
      notifiedAt: ago(26 * 60),
    },
  });
  const meterAlert = await db.alert.create({
    data: {
      deviceId: meter.id,
      alertType: "high_errors",
      severity: "critical",
      state: "resolved",
      message: `${meter.name} (${meter.deviceId}) reports a high error rate`,
      firstOccurrence: ago(5 * 60),
      lastOccurrence: ago(5 * 60 - 10),
      occurrenceCount: 3,
      createdAt: ago(5 * 60),
      escalationLevel: 2,
      escalatedAt: ago(5 * 60 - 4),
      acknowledgedById: admin.id,
      acknowledgedAt: ago(5 * 60 - 5),
      resolvedById: technician.id,
      resolvedAt: ago(4 * 60),
      resolutionNotes: "Flow sensor cleaned.",
      notifiedAt: ago(5 * 60),
    },
  });
  const collarAlert = await db.alert.create({
    data: {
      deviceId: collar.id,
      alertType: "low_battery",
      severity: "warning",
      state: "resolved",
      message: `${collar.name} (${collar.deviceId}) battery below its threshold`,
      firstOccurrence: ago(50),
      lastOccurrence: ago(50),
      createdAt: ago(50),
      resolvedById: technician.id,
      resolvedAt: ago(20),
      resolutionNotes: "Battery swapped.",
      notifiedAt: ago(50),
    },
  });

  const inApp = (key: string, userId: number, alert: { id: number }, subject: string, body: string, at: Date, read: boolean, level = 0) => ({
    dedupeKey: `demo:${key}`,
    kind: "in_app" as const,
    userId,
    alertId: alert.id,
    farmId: farm.id,
    ruleId: level === 0 ? critical.id : null,
    level,
    subject,
    body,
    status: "sent" as const,
    attempts: 1,
    sentAt: at,
    nextAttemptAt: at,
    createdAt: at,
    readAt: read ? new Date(at.getTime() + 5 * MINUTE) : null,
  });
  await db.notification.createMany({
    data: [
      inApp("tank-offline:in-app", manager.id, tankAlert, `Critical: ${tankProbe.name} offline`, `${tankAlert.message}. Green Valley Dairy.`, ago(26 * 60), true),
      inApp("meter-errors:in-app", manager.id, meterAlert, `Critical: ${meter.name} high error rate`, `${meterAlert.message}. Green Valley Dairy.`, ago(5 * 60), false),
      inApp("meter-errors:level-1", manager.id, meterAlert, `Escalated (level 1): ${meter.name} high error rate`, "Nobody acknowledged this critical alert within 2 minutes: you are on call (level 1).", ago(5 * 60 - 2), false, 1),
      inApp("meter-errors:level-2", admin.id, meterAlert, `Escalated (level 2): ${meter.name} high error rate`, "Nobody acknowledged this critical alert within 4 minutes: you are on call (level 2).", ago(5 * 60 - 4), false, 2),
      { ...inApp("collar-battery:in-app", manager.id, collarAlert, `Warning: ${collar.name} low battery`, `${collarAlert.message}. Green Valley Dairy.`, ago(50), false), ruleId: null },
    ],
  });

  const mail = await db.notification.create({
    data: { dedupeKey: "demo:tank-offline:mail", kind: "email", userId: manager.id, alertId: tankAlert.id, farmId: farm.id, ruleId: critical.id, subject: `Critical: ${tankProbe.name} offline`, body: `${tankAlert.message}.`, status: "sent", attempts: 1, sentAt: ago(26 * 60 - 1), createdAt: ago(26 * 60), nextAttemptAt: ago(26 * 60) },
  });
  await db.notificationDelivery.create({ data: { notificationId: mail.id, attempt: 1, ok: true, responseCode: 250, durationMs: 84, createdAt: ago(26 * 60 - 1) } });

  // The mail server was down for the meter's alert: five attempts with backoff, then "failed".
  const failedMail = await db.notification.create({
    data: { dedupeKey: "demo:meter-errors:mail", kind: "email", userId: manager.id, alertId: meterAlert.id, farmId: farm.id, ruleId: critical.id, subject: `Critical: ${meter.name} high error rate`, body: `${meterAlert.message}.`, status: "failed", attempts: 5, lastError: "connect ECONNREFUSED 127.0.0.1:2525 (demo: the mail server was down)", createdAt: ago(5 * 60), nextAttemptAt: ago(5 * 60 - 31) },
  });
  await db.notificationDelivery.createMany({
    data: [0, 1, 3, 7, 15].map((minutes, index) => ({ notificationId: failedMail.id, attempt: index + 1, ok: false, error: "connect ECONNREFUSED 127.0.0.1:2525 (demo: the mail server was down)", durationMs: 3 + index, createdAt: ago(5 * 60 - minutes) })),
  });
  let count = 7;
  if (slackId) {
    const hook = await db.notification.create({
      data: { dedupeKey: "demo:meter-errors:slack", kind: "webhook", channelId: slackId, alertId: meterAlert.id, farmId: farm.id, level: 1, subject: `Escalated (level 1): ${meter.name} high error rate`, body: `${meterAlert.message}.`, status: "failed", attempts: 3, lastError: "HTTP 404 no_team (the demo URL is not a real Slack webhook)", createdAt: ago(5 * 60 - 2), nextAttemptAt: ago(5 * 60 - 2) },
    });
    await db.notificationDelivery.createMany({
      data: [0, 1, 3].map((minutes, index) => ({ notificationId: hook.id, attempt: index + 1, ok: false, responseCode: 404, error: "HTTP 404 no_team", durationMs: 180 + index * 12, createdAt: ago(5 * 60 - 2 - minutes) })),
    });
    count++;
  }
  return { rules: 2, notifications: count, alerts: 3 };
}
