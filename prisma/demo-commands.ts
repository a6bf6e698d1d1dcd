/**
 * A few days of command history for the demo, so the command center and the device pages show
 * something true on a fresh start: answered commands of several kinds, a failed one, one that
 * timed out and one that expired, one that was answered late, a finished bulk get_status to the
 * milking parlour, and one completed diagnostic. Every command is final: the worker's engine never
 * sends a demo command. Live ones come from the simulated devices.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "../lib/db";

const TECH = "tech@smartdairy.example";
const MANAGER = "manager@smartdairy.example";

const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

const status = (cpu: number, memory: number, uptimeHours: number) => ({
  state: "running",
  cpu_percent: cpu,
  memory_percent: memory,
  storage_percent: 41,
  uptime_seconds: uptimeHours * 3600,
  firmware_version: "2.0.3",
});

const DIAGNOSTIC_REPORT = {
  suite: "full",
  passed: false,
  tests: [
    { name: "flow_sensor", passed: true, value: "0.4 % deviation" },
    { name: "conductivity_probe", passed: true },
    { name: "calibration", passed: false, detail: "Calibration due: last one 190 days ago (limit 180)" },
    { name: "storage", passed: true, value: "41 % used" },
    { name: "clock", passed: true, value: "drift 12 ms" },
    { name: "network", passed: true, value: "-58 dBm" },
  ],
};

type Demo = {
  device: string;
  command: string;
  parameters?: Record<string, unknown>;
  status: "completed" | "failed" | "timeout" | "expired";
  /** When it was asked, in minutes before now; answered `took` seconds after it went out. */
  at: number;
  took?: number;
  result?: Record<string, unknown>;
  error?: string;
  late?: boolean;
  by?: string;
};

const HISTORY: Demo[] = [
  { device: "MM001", command: "get_status", status: "completed", at: 2 * 24 * 60, took: 0.8, result: status(23, 48, 310) },
  { device: "MM001", command: "ping", parameters: { count: 4 }, status: "completed", at: 2 * 24 * 60 - 1, took: 0.5, result: { sent: 4, received: 4, rtt_ms_min: 11.2, rtt_ms_avg: 14.9, rtt_ms_max: 21.4 } },
  { device: "MM002", command: "run_diagnostics", parameters: { suite: "full" }, status: "completed", at: 26 * 60, took: 42, result: DIAGNOSTIC_REPORT },
  { device: "MM002", command: "zero_flow", status: "failed", at: 25 * 60, took: 3, error: "Line not empty: flow 0.8 l/min during zeroing" },
  { device: "GW001", command: "restart", parameters: { delay_seconds: 0 }, status: "completed", at: 20 * 60, took: 64, result: {}, by: MANAGER },
  { device: "AC003", command: "ping", parameters: { count: 4 }, status: "timeout", at: 9 * 60, error: "No answer within 30 s" },
  { device: "AC005", command: "get_status", status: "completed", at: 7 * 60, took: 95, late: true, result: { ...status(9, 31, 1200), battery_level: 18, signal_strength: -91 } },
  { device: "AC004", command: "get_status", status: "expired", at: 30 * 60, error: "Device stayed offline until the command expired" },
];

export async function seedDemoCommands(db: Db, now = new Date()): Promise<number> {
  const devices = new Map((await db.device.findMany({ where: { deviceId: { in: [...HISTORY.map((demo) => demo.device), "MM001", "MM002", "MM003", "MM004", "MM005", "MM006"] } }, select: { id: true, deviceId: true, farmId: true, groupId: true } })).map((device) => [device.deviceId, device]));
  const users = new Map((await db.user.findMany({ where: { email: { in: [TECH, MANAGER] } }, select: { id: true, email: true } })).map((user) => [user.email, user.id]));
  let count = 0;

  const row = (demo: Demo, batchId?: number): Prisma.CommandCreateManyInput | null => {
    const device = devices.get(demo.device);
    if (!device) return null;
    const createdAt = minutesAgo(now, demo.at);
    const sent = demo.status === "expired" ? null : new Date(createdAt.getTime() + 200);
    const done = demo.status === "expired" ? minutesAgo(now, demo.at - 24 * 60) : demo.status === "timeout" && !demo.late ? new Date((sent ?? createdAt).getTime() + 30_000) : new Date((sent ?? createdAt).getTime() + (demo.took ?? 1) * 1000);
    const by = demo.by ?? TECH;
    count++;
    return {
      commandId: randomUUID(),
      deviceId: device.id,
      farmId: device.farmId,
      commandType: demo.command,
      parameters: (demo.parameters ?? {}) as Prisma.InputJsonValue,
      status: demo.status,
      result: demo.result as Prisma.InputJsonValue | undefined,
      errorMessage: demo.error ?? null,
      timeoutSeconds: demo.command === "run_diagnostics" ? 180 : demo.command === "restart" ? 120 : demo.command === "ping" ? 30 : 60,
      expiresAt: new Date(createdAt.getTime() + 24 * 3600_000),
      requestedById: users.get(by) ?? null,
      requestedBy: by,
      batchId: batchId ?? null,
      createdAt,
      sentAt: sent,
      executingAt: demo.status === "completed" || demo.status === "failed" ? new Date((sent ?? createdAt).getTime() + 100) : null,
      completedAt: done,
      late: demo.late ?? false,
    };
  };

  await db.command.createMany({ data: HISTORY.map((demo) => row(demo)).filter((value) => value !== null) });

  // The manager asked every parlour meter of Green Valley for its status this morning.
  const parlour = devices.get("MM001");
  const meters = ["MM001", "MM002", "MM003", "MM004", "MM005", "MM006"].filter((id) => devices.has(id));
  if (parlour?.groupId && meters.length) {
    const group = await db.deviceGroup.findUnique({ where: { id: parlour.groupId }, select: { name: true } });
    const batch = await db.commandBatch.create({
      data: {
        commandType: "get_status",
        farmId: parlour.farmId,
        selection: { groupId: parlour.groupId },
        description: `Get status: Group ${group?.name ?? "Milking parlour"}`,
        total: meters.length,
        requestedById: users.get(MANAGER) ?? null,
        requestedBy: MANAGER,
        createdAt: minutesAgo(now, 3 * 60),
      },
    });
    await db.command.createMany({
      data: meters.map((id, index) => row({ device: id, command: "get_status", status: "completed", at: 3 * 60, took: 0.6 + index * 0.3, result: status(18 + index * 4, 40 + index * 3, 300 + index * 11), by: MANAGER }, batch.id)).filter((value) => value !== null),
    });
  }

  // MM002's diagnostic of yesterday, as the worker stores a completed run_diagnostics (M92 fields).
  const diagnosed = devices.get("MM002");
  const command = diagnosed ? await db.command.findFirst({ where: { deviceId: diagnosed.id, commandType: "run_diagnostics" }, select: { commandId: true, completedAt: true, createdAt: true } }) : null;
  if (diagnosed && command) {
    await db.diagnostic.create({
      data: { deviceId: diagnosed.id, state: "completed", commandId: command.commandId, suite: "full", report: DIAGNOSTIC_REPORT, passed: false, requestedById: users.get(TECH) ?? null, startedAt: command.createdAt, completedAt: command.completedAt },
    });
    await db.device.update({ where: { id: diagnosed.id }, data: { lastDiagnostic: command.completedAt, diagnosticReport: DIAGNOSTIC_REPORT } });
  }
  const restarted = devices.get("GW001");
  if (restarted) await db.device.update({ where: { id: restarted.id }, data: { restartCount: { increment: 1 }, lastRestart: minutesAgo(now, 20 * 60 - 1) } });
  return count;
}
