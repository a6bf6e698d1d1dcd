/**
 * STUB for the screens (the integrator replaces this file with the real quick diagnosis: the
 * device's errors of the last 24 h, the seed's recommendations and the health-derived ones).
 * I-013 `quick_diagnose`: get_status and ping at once, then one report of what came back.
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { NotFoundError } from "../errors";
import { getCommand } from "./command-queries";
import type { CommandView } from "./command-schemas";
import { sendCommand } from "./send-command";

export type QuickDiagnosisIds = { statusCommandId: string; pingCommandId: string };

export type QuickDiagnosisReport = {
  /** Both commands have their final answer (or never will). */
  answered: boolean;
  connectivity: "online" | "unresponsive" | "waiting";
  status: CommandView;
  ping: CommandView;
  recentErrors: { at: string; message: string; source?: string | null }[];
  alerts: { id: number; type: string; severity: string; state: string; message: string | null; lastOccurrence: string }[];
  recommendations: string[];
};

export async function startQuickDiagnosis(db: Db, actor: Actor, deviceId: string): Promise<QuickDiagnosisIds> {
  const status = await sendCommand(db, actor, deviceId, { command: "get_status", expires_in_hours: 1 });
  const ping = await sendCommand(db, actor, deviceId, { command: "ping", parameters: { count: 3 }, expires_in_hours: 1 });
  return { statusCommandId: status.id, pingCommandId: ping.id };
}

const FINAL = new Set(["completed", "failed", "timeout", "cancelled", "expired"]);

export async function quickDiagnosisReport(db: Db, actor: Actor, deviceId: string, ids: QuickDiagnosisIds): Promise<QuickDiagnosisReport> {
  const scope = farmScope(actor);
  const device = await db.device.findFirst({ where: { deviceId, ...(scope !== null ? { farmId: scope } : {}) }, select: { id: true, batteryLevel: true, signalStrength: true } });
  if (!device) throw new NotFoundError(`No device ${deviceId}.`);
  const [status, ping, alerts] = await Promise.all([
    getCommand(db, actor, ids.statusCommandId),
    getCommand(db, actor, ids.pingCommandId),
    db.alert.findMany({
      where: { deviceId: device.id, lastOccurrence: { gte: new Date(Date.now() - 24 * 3600_000) } },
      orderBy: { lastOccurrence: "desc" },
      take: 10,
      select: { id: true, alertType: true, severity: true, state: true, message: true, lastOccurrence: true },
    }),
  ]);
  if (status.device.id !== deviceId || ping.device.id !== deviceId) throw new NotFoundError("No such command.");
  const answered = FINAL.has(status.status) && FINAL.has(ping.status);
  const replied = status.status === "completed" || ping.status === "completed";
  const connectivity = replied ? "online" : answered ? "unresponsive" : "waiting";
  const recommendations: string[] = [];
  if (connectivity === "unresponsive") recommendations.push("The device did not answer: check its power and network cable, then restart it.");
  if (device.batteryLevel !== null && device.batteryLevel < 20) recommendations.push("Battery low: replace or charge the battery.");
  if (device.signalStrength !== null && device.signalStrength < -85) recommendations.push("Weak signal: move the device or the gateway closer, or add a repeater.");
  if (connectivity === "online" && recommendations.length === 0) recommendations.push("The device answers normally: if its readings look wrong, run diagnostics or calibrate it.");
  return {
    answered,
    connectivity,
    status,
    ping,
    recentErrors: [],
    alerts: alerts.map((alert) => ({ id: alert.id, type: alert.alertType, severity: alert.severity, state: alert.state, message: alert.message, lastOccurrence: alert.lastOccurrence.toISOString() })),
    recommendations,
  };
}
