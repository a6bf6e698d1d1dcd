/**
 * Quick diagnose end to end: a technician's button sends get_status and ping through sendCommand,
 * the worker's engine publishes them on the real broker, a simulated milk meter answers, and the
 * report gathers the answers with the device's day of alerts, errors and failed commands.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { ForbiddenError, NotFoundError } from "../errors";
import { newSecret } from "../provisioning/credentials";
import { createTestPerson, refusal } from "../testing/people";
import { startIotWorker, type IotWorker } from "../../workers/iot-worker";
import { startSimulator, type Simulator } from "../../workers/simulator";
import { createTestFleet, openTestBroker, waitFor, type TestBroker } from "../../workers/test-fleet";
import { quickDiagnosisReport, startQuickDiagnosis } from "./quick-diagnose";

const db = getDb();
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };
const run = Date.now().toString(36);
let broker: TestBroker | undefined;
let worker: IotWorker | undefined;
let simulator: Simulator | undefined;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let otherFleet: Awaited<ReturnType<typeof createTestFleet>>;
let technician: Actor;
let viewer: Actor;
let stranger: Actor;

beforeAll(async () => {
  fleet = await createTestFleet(db, 2);
  otherFleet = await createTestFleet(db, 1);
  technician = await createTestPerson(db, "technician", fleet.farmId, `qd-tech-${run}@example.com`, "Quick Tech");
  viewer = await createTestPerson(db, "viewer", fleet.farmId, `qd-viewer-${run}@example.com`, "Quick Viewer");
  stranger = await createTestPerson(db, "technician", otherFleet.farmId, `qd-other-${run}@example.com`, "Other Tech");
  broker = await openTestBroker(db, service);
  worker = await startIotWorker({
    mqttUrl: broker.url,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: service.username,
    servicePassword: service.password,
    clientId: `sdm-iot-worker-qd-${run}`,
    protocolVersion: 4,
    runJobs: false,
    flushIntervalMs: 20,
    deviceRowRefreshMs: 0,
    shutdownTimeoutMs: 500,
    commands: { tickMs: 200, publicUrl: "https://dairy.example" },
    log: () => undefined,
  });
  const meter = fleet.devices[0]!;
  simulator = startSimulator({
    mqttUrl: broker.url,
    devices: [{ deviceId: meter.deviceId, deviceType: "milk_meter", firmwareVersion: "2.0.3", ...meter.credentials }],
    // One telemetry message at connect, the next minutes later: a later one would overwrite the
    // fields get_status refreshed before the test reads them.
    intervalSeconds: 600,
    connectSpreadMs: 0,
    commandDelayScale: 0.05,
    log: () => undefined,
  });
  await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id: meter.id } })).connectionStatus === "online", 15_000);
  // "Online" comes from the broker's connect hook; the connect telemetry follows up to 2 s later.
  // Stored before the test asks, it cannot overwrite what get_status refreshes (CI saw it do so).
  await waitFor(async () => (await db.telemetrySample.count({ where: { deviceId: meter.id } })) > 0, 15_000);
});

afterAll(async () => {
  await simulator?.stop();
  await worker?.stop();
  await broker?.wipeSession(`sdm-iot-worker-qd-${run}`);
  await broker?.close();
  await db.user.deleteMany({ where: { email: { endsWith: `-${run}@example.com` } } });
  await fleet?.remove();
  await otherFleet?.remove();
  await disconnectDb();
});

describe("quick diagnose", () => {
  it("asks an online meter for its status and a ping, and reports the answers, the day's trouble and what to try", async () => {
    const meter = fleet.devices[0]!;
    // The day's trouble: the meter went offline three times and one earlier restart got no answer.
    await db.alert.create({ data: { deviceId: meter.id, alertType: "offline", severity: "warning", state: "resolved", occurrenceCount: 3, message: "No contact for 10 minutes" } });
    await db.command.create({
      data: { commandId: randomUUID(), deviceId: meter.id, farmId: fleet.farmId, commandType: "restart", status: "timeout", errorMessage: "No answer from the device within 120 s", completedAt: new Date() },
    });

    const ids = await startQuickDiagnosis(db, technician, meter.deviceId);
    expect(ids.statusCommandId).toBeTruthy();
    expect(ids.pingCommandId).toBeTruthy();

    const first = await quickDiagnosisReport(db, technician, meter.deviceId, ids);
    expect(first.status?.command).toBe("get_status");
    expect(first.ping?.parameters).toEqual({ count: 5 });

    const report = await waitFor(async () => {
      const current = await quickDiagnosisReport(db, technician, meter.deviceId, ids);
      return current.answered ? current : null;
    }, 20_000);
    expect(report.connectivity).toBe("online");
    expect(report.status?.status).toBe("completed");
    expect(report.status?.result).toMatchObject({ cpu_percent: expect.any(Number), firmware_version: expect.any(String) });
    expect(report.ping?.status).toBe("completed");
    expect(report.ping?.result).toMatchObject({ sent: 5, received: expect.any(Number) });
    expect(report.alerts).toEqual([expect.objectContaining({ type: "offline", occurrences: 3 })]);
    expect(report.recentErrors).toEqual([expect.objectContaining({ source: "commands", message: expect.stringMatching(/^restart got no answer/) })]);
    expect(report.recommendations.join("\n")).toMatch(/Went offline 3 times in 24 h/);
    expect(report.recommendations.join("\n")).toMatch(/1 command\(s\) failed or went unanswered/);
    // get_status refreshed the device's own fields on the way.
    const stored = await db.device.findUniqueOrThrow({ where: { id: meter.id } });
    expect(stored.cpuPercent).toBe(report.status?.result?.cpu_percent);
  });

  it("sends nothing to an offline device and says it is offline", async () => {
    const quiet = fleet.devices[1]!;
    await db.device.update({ where: { id: quiet.id }, data: { connectionStatus: "offline", lastSeen: new Date(Date.now() - 2 * 3_600_000) } });
    const before = await db.command.count({ where: { deviceId: quiet.id } });
    const ids = await startQuickDiagnosis(db, technician, quiet.deviceId);
    expect(ids).toEqual({ statusCommandId: null, pingCommandId: null });
    expect(await db.command.count({ where: { deviceId: quiet.id } })).toBe(before);
    const report = await quickDiagnosisReport(db, technician, quiet.deviceId, ids);
    expect(report).toMatchObject({ answered: true, connectivity: "offline", status: null, ping: null });
    expect(report.recommendations[0]).toMatch(/^The device is offline \(last heard 2 h ago\)/);
  });

  it("refuses a viewer, hides another farm's device, and will not report another device's commands", async () => {
    const meter = fleet.devices[0]!;
    expect(await refusal(startQuickDiagnosis(db, viewer, meter.deviceId))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(startQuickDiagnosis(db, stranger, meter.deviceId))).toBeInstanceOf(NotFoundError);
    const ids = await startQuickDiagnosis(db, technician, meter.deviceId);
    expect(await refusal(quickDiagnosisReport(db, technician, fleet.devices[1]!.deviceId, ids))).toBeInstanceOf(NotFoundError);
  });
});
