/**
 * Quick diagnose (I-013 TroubleshootingConsole.quick_diagnose): one button sends `get_status` and
 * `ping` through the ordinary command path (so they are in the history like any other), and the
 * report gathers what the answers say with the device's errors, alerts and failed commands of the
 * last 24 h, and what to try next (recommendations.ts). The answers arrive asynchronously: the
 * page asks for the report until both are final.
 */
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError, NotFoundError } from "../errors";
import { pingResult, statusResult } from "./catalogue";
import { getCommand } from "./command-queries";
import type { CommandView } from "./command-schemas";
import { recommendationsFor, type DiagnosisFacts } from "./recommendations";
import { sendCommand } from "./send-command";

export type QuickDiagnosisIds = { statusCommandId: string | null; pingCommandId: string | null };

/** The seed's quick_diagnose: get_status and a 5-round ping, each with a 30 s timeout. */
const QUICK_TIMEOUT_SECONDS = 30;
const PING_COUNT = 5;
const RECENT_MS = 24 * 3_600_000;

const ONLINE = new Set(["online", "degraded"]);
const FINAL = new Set(["completed", "failed", "timeout", "cancelled", "expired"]);

async function visibleDevice(db: Db, actor: Actor, deviceId: string) {
  const device = await db.device.findUnique({
    where: { deviceId },
    select: {
      id: true,
      deviceId: true,
      name: true,
      deviceType: true,
      farmId: true,
      state: true,
      connectionStatus: true,
      lastSeen: true,
      batteryLevel: true,
      lowBatteryThreshold: true,
      powerSource: true,
      signalStrength: true,
      cpuPercent: true,
      memoryPercent: true,
      storagePercent: true,
      uptimeSeconds: true,
      firmwareVersion: true,
      calibrationStatus: true,
      firmwareUpdateStatus: true,
      firmwareUpdateError: true,
      healthStatus: true,
      healthScore: true,
    },
  });
  const scope = farmScope(actor);
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError(`Device ${deviceId} not found.`);
  return device;
}

/**
 * Sends the two commands. An offline device gets none — they would wait in the queue while the
 * technician waits at the device — and the report says it is offline instead.
 */
export async function startQuickDiagnosis(db: Db, actor: Actor, deviceId: string): Promise<QuickDiagnosisIds> {
  const refusal = permissionRefusal(actor, "devices.command");
  if (refusal) throw new ForbiddenError(refusal);
  const device = await visibleDevice(db, actor, deviceId);
  if (!ONLINE.has(device.connectionStatus)) return { statusCommandId: null, pingCommandId: null };
  const common = { confirm: false, timeout_seconds: QUICK_TIMEOUT_SECONDS, expires_in_hours: 1, only_if_online: true };
  const status = await sendCommand(db, actor, deviceId, { ...common, command: "get_status", parameters: {} });
  const ping = await sendCommand(db, actor, deviceId, { ...common, command: "ping", parameters: { count: PING_COUNT } });
  return { statusCommandId: status.id, pingCommandId: ping.id };
}

export type QuickDiagnosisReport = {
  deviceId: string;
  at: string;
  /** Both answers are in (or nothing was sent): the report will not change any more. */
  answered: boolean;
  connectivity: DiagnosisFacts["connectivity"];
  /** null when nothing was sent (the device is offline). */
  status: CommandView | null;
  ping: CommandView | null;
  device: {
    connectionStatus: string;
    lastSeen: string | null;
    healthStatus: string;
    healthScore: number;
    batteryLevel: number | null;
    signalStrength: number | null;
  };
  /** Rises of the device's error counter over the last 24 h (telemetry). */
  errorsLast24h: number;
  /** The day's errors: the error counter's rises and the commands that failed or went unanswered. */
  recentErrors: { at: string; message: string; source: string }[];
  alerts: { id: number; type: string; severity: string; state: string; message: string | null; lastOccurrence: string; occurrences: number }[];
  recommendations: string[];
};

export async function quickDiagnosisReport(db: Db, actor: Actor, deviceId: string, ids: QuickDiagnosisIds, now = new Date()): Promise<QuickDiagnosisReport> {
  const device = await visibleDevice(db, actor, deviceId);
  const since = new Date(now.getTime() - RECENT_MS);
  const [status, ping, alerts, errorSpan, failed] = await Promise.all([
    ids.statusCommandId ? getCommand(db, actor, ids.statusCommandId) : null,
    ids.pingCommandId ? getCommand(db, actor, ids.pingCommandId) : null,
    db.alert.findMany({
      where: { deviceId: device.id, lastOccurrence: { gte: since } },
      orderBy: { lastOccurrence: "desc" },
      take: 20,
      select: { id: true, alertType: true, severity: true, state: true, message: true, lastOccurrence: true, occurrenceCount: true },
    }),
    // The error counter only grows between restarts: the day's errors are its rises, summed.
    db.$queryRaw<{ errors: bigint | null }[]>`
      SELECT sum(GREATEST(rise, 0))::bigint AS errors FROM (
        SELECT error_count - lag(error_count) OVER (ORDER BY ts) AS rise
          FROM telemetry_samples WHERE device_id = ${device.id} AND ts >= ${since} AND error_count IS NOT NULL
      ) AS rises`,
    db.command.findMany({
      where: { deviceId: device.id, createdAt: { gte: since }, status: { in: ["failed", "timeout"] } },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { commandId: true, commandType: true, status: true, errorMessage: true, completedAt: true, createdAt: true },
    }),
  ]);
  if ((ids.statusCommandId && status?.device.id !== deviceId) || (ids.pingCommandId && ping?.device.id !== deviceId)) {
    throw new NotFoundError("Those commands are not this device's.");
  }

  const sent = !!(status || ping);
  const answered = !sent || [status, ping].every((command) => !command || FINAL.has(command.status));
  const statusAnswer = status?.status === "completed" ? parsed(statusResult, status.result) : null;
  const pingAnswer = ping?.status === "completed" ? parsed(pingResult, ping.result) : null;
  const connectivity: DiagnosisFacts["connectivity"] = !sent
    ? "offline"
    : status?.status === "completed" || ping?.status === "completed"
      ? "online"
      : answered
        ? "unresponsive"
        : "waiting";

  const offlineEvents = alerts.filter((alert) => alert.alertType === "offline").reduce((sum, alert) => sum + alert.occurrenceCount, 0);
  const errorsLast24h = Number(errorSpan[0]?.errors ?? 0);
  const pingFacts = pingAnswer
    ? { sent: Number(pingAnswer.sent), received: Number(pingAnswer.received), rttAvgMs: typeof pingAnswer.rtt_ms_avg === "number" ? pingAnswer.rtt_ms_avg : null }
    : null;
  const num = (fresh: unknown, stored: number | null) => (typeof fresh === "number" ? fresh : stored);

  const recommendations = answered || connectivity === "online"
    ? recommendationsFor({
        connectivity,
        deviceType: device.deviceType,
        batteryLevel: num(statusAnswer?.battery_level, device.batteryLevel),
        lowBatteryThreshold: device.lowBatteryThreshold,
        powerSource: device.powerSource,
        signalStrength: num(statusAnswer?.signal_strength, device.signalStrength),
        cpuPercent: num(statusAnswer?.cpu_percent, device.cpuPercent),
        memoryPercent: num(statusAnswer?.memory_percent, device.memoryPercent),
        storagePercent: num(statusAnswer?.storage_percent, device.storagePercent),
        calibrationStatus: device.calibrationStatus,
        firmwareUpdateStatus: device.firmwareUpdateStatus,
        firmwareUpdateError: device.firmwareUpdateError,
        errorsLast24h,
        offlineEventsLast24h: offlineEvents,
        // The quick diagnosis's own commands are not "failures in the last 24 h" to report.
        failedCommandsLast24h: failed.filter((command) => command.commandId !== ids.statusCommandId && command.commandId !== ids.pingCommandId).length,
        ping: pingFacts,
        lastSeen: device.lastSeen,
        now,
      })
    : [];

  const otherFailures = failed.filter((command) => command.commandId !== ids.statusCommandId && command.commandId !== ids.pingCommandId);
  const recentErrors = [
    ...(errorsLast24h > 0 ? [{ at: now.toISOString(), source: "telemetry", message: `Error counter rose by ${errorsLast24h} in the last 24 h` }] : []),
    ...otherFailures.map((command) => ({
      at: (command.completedAt ?? command.createdAt).toISOString(),
      source: "commands",
      message: `${command.commandType} ${command.status === "timeout" ? "got no answer" : "failed"}${command.errorMessage ? `: ${command.errorMessage}` : ""}`,
    })),
  ];

  return {
    deviceId,
    at: now.toISOString(),
    answered,
    connectivity,
    status,
    ping,
    device: {
      connectionStatus: device.connectionStatus,
      lastSeen: device.lastSeen?.toISOString() ?? null,
      healthStatus: device.healthStatus,
      healthScore: device.healthScore,
      batteryLevel: device.batteryLevel,
      signalStrength: device.signalStrength,
    },
    errorsLast24h,
    recentErrors,
    alerts: alerts.map((alert) => ({
      id: alert.id,
      type: alert.alertType,
      severity: alert.severity,
      state: alert.state,
      message: alert.message,
      lastOccurrence: alert.lastOccurrence.toISOString(),
      occurrences: alert.occurrenceCount,
    })),
    recommendations,
  };
}

function parsed(schema: { safeParse: (value: unknown) => { success: boolean; data?: unknown } }, value: unknown): Record<string, unknown> | null {
  const result = schema.safeParse(value);
  return result.success ? (result.data as Record<string, unknown>) : null;
}
