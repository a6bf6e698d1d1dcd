/**
 * The health sweep against a real PostgreSQL (and, for the end-to-end case, the real broker and
 * worker): the alert lifecycle of M92 `_create_or_update_alert` / `_resolve_stale_alerts`, the
 * group offline threshold and the per-group interval. The sweep runs over the whole database; the
 * assertions look at this file's own devices and groups only.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { CONNECTION_ONLINE_MS, healthCheckDue, OFFLINE_AFTER_MS } from "../health/device-health";
import { topics } from "../mqtt/topics";
import { newSecret } from "../provisioning/credentials";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { startIotWorker, type IotWorker } from "../../workers/iot-worker";
import { connectOnce, createTestFleet, openTestBroker, waitFor, type TestBroker } from "../../workers/test-fleet";
import { AUTO_RESOLVED_NOTE, deviceIssues, RETIRED_RESOLVED_NOTE } from "./alert-rules";
import { runHealthSweep } from "./alert-sweep";

const db = getDb();
let pool: SqlPool;
let farmId: number;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let serial = 0;

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 3);
  farmId = (await db.farm.create({ data: { code: `AS${suffix}`, name: "Alert sweep farm" } })).id;
});

afterAll(async () => {
  await db.alert.deleteMany({ where: { group: { farmId } } });
  await db.device.deleteMany({ where: { farmId } });
  await db.deviceGroup.deleteMany({ where: { farmId, parentId: { not: null } } });
  await db.deviceGroup.deleteMany({ where: { farmId } });
  await db.farm.delete({ where: { id: farmId } });
  await pool.end();
  await disconnectDb();
});

type DeviceData = Parameters<typeof db.device.create>[0]["data"];
async function device(overrides: Partial<DeviceData> = {}) {
  serial += 1;
  return db.device.create({
    data: {
      deviceId: `AL${suffix.slice(0, 4)}${String(serial).padStart(2, "0")}`,
      name: `Sweep test ${serial}`,
      deviceType: "collar",
      state: "active",
      farm: { connect: { id: farmId } },
      lastSeen: new Date(Date.now() - 30_000),
      connectionStatus: "online",
      healthStatus: "healthy",
      batteryLevel: 80,
      signalStrength: -60,
      ...overrides,
    } as DeviceData,
  });
}

const sweep = (at = new Date()) => runHealthSweep(pool, at);
const alertsOf = (deviceId: number) => db.alert.findMany({ where: { deviceId }, orderBy: { id: "asc" } });
const setDevice = (id: number, data: Partial<DeviceData>) => db.device.update({ where: { id }, data: data as never });

describe("device alerts", () => {
  it("opens an alert once, counts repeats, escalates severity, auto-resolves, and opens a new one next time", async () => {
    const d = await device({ batteryLevel: 15 });
    const first = await sweep();
    expect(first.raised).toBeGreaterThanOrEqual(1);
    const [opened] = await alertsOf(d.id);
    expect(await alertsOf(d.id)).toHaveLength(1);
    expect(opened).toMatchObject({ alertType: "low_battery", severity: "warning", state: "active", message: "Battery level at 15%", occurrenceCount: 1 });

    const later = new Date(Date.now() + 1_000);
    const second = await sweep(later);
    expect(second.repeated).toBeGreaterThanOrEqual(1);
    expect(await alertsOf(d.id)).toMatchObject([{ id: opened!.id, occurrenceCount: 2, lastOccurrence: later, severity: "warning" }]);

    // below 10 %: the open alert escalates instead of a second alert opening
    await setDevice(d.id, { batteryLevel: 8 });
    await sweep();
    expect(await alertsOf(d.id)).toMatchObject([
      { id: opened!.id, severity: "critical", message: "Battery level at 8%", occurrenceCount: 3, state: "active" },
    ]);

    await setDevice(d.id, { batteryLevel: 90 });
    const resolvedAt = new Date(Date.now() + 2_000);
    const recovered = await sweep(resolvedAt);
    expect(recovered.resolved).toBeGreaterThanOrEqual(1);
    expect(await alertsOf(d.id)).toMatchObject([{ id: opened!.id, state: "resolved", resolvedAt, resolutionNotes: AUTO_RESOLVED_NOTE, occurrenceCount: 3 }]);

    await setDevice(d.id, { batteryLevel: 12 });
    await sweep();
    const all = await alertsOf(d.id);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ alertType: "low_battery", state: "active", occurrenceCount: 1 });
    expect(all[1]!.id).not.toBe(opened!.id);
  });

  it("an acknowledged alert is still counted, then auto-resolved; high errors falling to elevated swap alerts", async () => {
    const d = await device({ errorCount: 12 });
    await sweep();
    const [high] = await alertsOf(d.id);
    expect(high).toMatchObject({ alertType: "high_errors", severity: "critical", message: "High error count: 12" });
    await db.alert.update({ where: { id: high!.id }, data: { state: "acknowledged", acknowledgedAt: new Date() } });

    await sweep();
    expect(await alertsOf(d.id)).toMatchObject([{ id: high!.id, state: "acknowledged", occurrenceCount: 2 }]);

    await setDevice(d.id, { errorCount: 7 });
    await sweep();
    expect(await alertsOf(d.id)).toMatchObject([
      { id: high!.id, state: "resolved", resolutionNotes: AUTO_RESOLVED_NOTE },
      { alertType: "elevated_errors", severity: "warning", state: "active", message: "Elevated error count: 7" },
    ]);
  });

  it("a silent device: offline alert, connection offline, health critical, last health check stamped", async () => {
    const lastSeen = new Date(Date.now() - 20 * 60_000);
    const d = await device({ lastSeen, signalStrength: -95, calibrationStatus: "overdue", firmwareUpdateStatus: "failed" });
    const at = new Date();
    await sweep(at);
    const alerts = await alertsOf(d.id);
    expect(alerts.map((a) => [a.alertType, a.severity])).toEqual([
      ["offline", "critical"],
      ["poor_signal", "warning"],
      ["calibration_overdue", "warning"],
      ["firmware_failed", "warning"],
    ]);
    expect(alerts[0]!.message).toBe(`Device offline since ${lastSeen.toISOString().slice(0, 16).replace("T", " ")} UTC`);
    expect(await db.device.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({
      connectionStatus: "offline",
      healthStatus: "critical",
      needsAttention: true,
      lastHealthCheck: at,
    });
  });

  it("skips devices in maintenance mode or not active, resolves a retired device's alerts, leaves custom alerts alone", async () => {
    const maintenance = await device({ maintenanceMode: true, batteryLevel: 5, errorCount: 20 });
    const suspended = await device({ state: "suspended", batteryLevel: 5 });
    const retired = await device({ state: "decommissioned", batteryLevel: 5 });
    const healthy = await device();
    const kept = await db.alert.create({ data: { deviceId: maintenance.id, alertType: "low_battery", severity: "critical", message: "before maintenance" } });
    await db.alert.createMany({
      data: [
        { deviceId: retired.id, alertType: "offline", severity: "critical" },
        { deviceId: retired.id, alertType: "custom", severity: "low", message: "check the collar strap" },
        { deviceId: healthy.id, alertType: "custom", severity: "low", message: "move to barn 2" },
      ],
    });
    // one open alert per device and type, whatever writes it
    await expect(db.alert.create({ data: { deviceId: healthy.id, alertType: "custom", severity: "low" } })).rejects.toThrow();

    const result = await sweep();
    expect(result.retired).toBeGreaterThanOrEqual(2);
    expect(await alertsOf(maintenance.id)).toMatchObject([{ id: kept.id, state: "active", occurrenceCount: 1, message: "before maintenance" }]);
    expect(await alertsOf(suspended.id)).toEqual([]);
    expect(await alertsOf(retired.id)).toMatchObject([
      { alertType: "offline", state: "resolved", resolutionNotes: RETIRED_RESOLVED_NOTE },
      { alertType: "custom", state: "resolved", resolutionNotes: RETIRED_RESOLVED_NOTE },
    ]);
    expect(await alertsOf(healthy.id)).toMatchObject([{ alertType: "custom", state: "active" }]);
  });
});

describe("the sweep's SQL screen and the rules agree", () => {
  it("on both sides of every threshold, the sweep's open alerts are exactly deviceIssues of each device", async () => {
    const at = new Date();
    const ago = (ms: number) => new Date(at.getTime() - ms);
    const cases: Partial<DeviceData>[] = [
      {},
      { lastSeen: ago(CONNECTION_ONLINE_MS - 5_000) },
      { lastSeen: ago(CONNECTION_ONLINE_MS + 5_000) },
      { lastSeen: ago(OFFLINE_AFTER_MS - 5_000) },
      { lastSeen: ago(OFFLINE_AFTER_MS + 5_000) },
      { lastSeen: null, connectionStatus: "unknown" },
      { connectionStatus: "unknown" },
      { batteryLevel: 20 },
      { batteryLevel: 19.9 },
      { batteryLevel: 10 },
      { batteryLevel: 9.9 },
      { batteryLevel: 0 },
      { batteryLevel: null },
      { batteryLevel: 35, lowBatteryThreshold: 40 },
      { signalStrength: -90 },
      { signalStrength: -91 },
      { signalStrength: null },
      { errorCount: 5 },
      { errorCount: 6 },
      { errorCount: 10 },
      { errorCount: 11 },
      { calibrationStatus: "due" },
      { calibrationStatus: "overdue" },
      { firmwareUpdateStatus: "installing" },
      { firmwareUpdateStatus: "failed" },
    ];
    const created: Awaited<ReturnType<typeof device>>[] = [];
    for (const change of cases) created.push(await device(change));
    await sweep(at);
    for (const [index, made] of created.entries()) {
      const expected = deviceIssues(
        {
          lastSeen: made.lastSeen,
          batteryLevel: made.batteryLevel,
          lowBatteryThreshold: made.lowBatteryThreshold,
          signalStrength: made.signalStrength,
          errorCount: made.errorCount,
          calibrationStatus: made.calibrationStatus,
          firmwareUpdateStatus: made.firmwareUpdateStatus,
        },
        at,
      );
      const open = await db.alert.findMany({ where: { deviceId: made.id, state: { not: "resolved" } }, orderBy: { id: "asc" } });
      expect({ case: cases[index], alerts: open.map((a) => [a.alertType, a.severity, a.message]) }).toEqual({
        case: cases[index],
        alerts: expected.map((issue) => [issue.type, issue.severity, issue.message]),
      });
    }
    // connection ageing reached the screened devices too
    const row = (index: number) => db.device.findUniqueOrThrow({ where: { id: created[index]!.id } });
    expect((await row(1)).connectionStatus).toBe("online");
    expect((await row(2)).connectionStatus).toBe("degraded");
    expect((await row(5)).connectionStatus).toBe("unknown");
    expect((await row(6)).connectionStatus).toBe("online");
  });
});

describe("per-group interval", () => {
  it("a device in a group on a 5-minute interval is checked only in its minute", async () => {
    const group = await db.deviceGroup.create({ data: { name: "Slow group", code: `AS${suffix}-SLOW`, farmId, healthCheckInterval: 300 } });
    const d = await device({ batteryLevel: 5, group: { connect: { id: group.id } } });
    const ungrouped = await device({ batteryLevel: 5 });
    const start = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    const minutes = Array.from({ length: 5 }, (_, m) => new Date(start + m * 60_000));
    const skipped = minutes.find((at) => !healthCheckDue(d.id, 300, at))!;
    const due = minutes.find((at) => healthCheckDue(d.id, 300, at))!;

    await sweep(skipped);
    expect(await alertsOf(d.id)).toEqual([]);
    // devices without a group: every minute
    expect(await alertsOf(ungrouped.id)).toMatchObject([{ alertType: "low_battery" }]);

    await sweep(due);
    expect(await alertsOf(d.id)).toMatchObject([{ alertType: "low_battery", severity: "critical", occurrenceCount: 1 }]);
  });
});

describe("a device's own interval", () => {
  it("wins over its group's: shorter, the device goes offline by its own; longer, it waits for its own minute", async () => {
    const group = await db.deviceGroup.create({ data: { name: "Hourly group", code: `AS${suffix}-HOURLY`, farmId, healthCheckInterval: 3600 } });
    const silentFor = OFFLINE_AFTER_MS + 5 * 60_000;
    const start = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    const eager = await device({ healthCheckInterval: 60, group: { connect: { id: group.id } }, lastSeen: new Date(start - silentFor) });
    const inherits = await device({ group: { connect: { id: group.id } }, lastSeen: new Date(start - silentFor) });
    // A minute in which neither the group's hourly slot of either device comes up.
    const at = Array.from({ length: 10 }, (_, m) => new Date(start + m * 60_000)).find((minute) => !healthCheckDue(eager.id, 3600, minute) && !healthCheckDue(inherits.id, 3600, minute))!;
    await setDevice(eager.id, { lastSeen: new Date(at.getTime() - silentFor) });
    await setDevice(inherits.id, { lastSeen: new Date(at.getTime() - silentFor) });

    await sweep(at);
    expect(await db.device.findUniqueOrThrow({ where: { id: eager.id } })).toMatchObject({ connectionStatus: "offline", healthStatus: "critical" });
    expect(await alertsOf(eager.id)).toMatchObject([{ alertType: "offline" }]);
    // Without an interval of its own the device keeps its group's hour.
    expect(await db.device.findUniqueOrThrow({ where: { id: inherits.id } })).toMatchObject({ connectionStatus: "online", healthStatus: "healthy" });

    // A device slower than its group is checked in its own minute only.
    const fastGroup = await db.deviceGroup.create({ data: { name: "Minute group", code: `AS${suffix}-MINUTE`, farmId, healthCheckInterval: 60 } });
    const patient = await device({ healthCheckInterval: 600, batteryLevel: 5, group: { connect: { id: fastGroup.id } } });
    const minutes = Array.from({ length: 10 }, (_, m) => new Date(start + m * 60_000));
    await sweep(minutes.find((minute) => !healthCheckDue(patient.id, 600, minute))!);
    expect(await alertsOf(patient.id)).toEqual([]);
    await sweep(minutes.find((minute) => healthCheckDue(patient.id, 600, minute))!);
    expect(await alertsOf(patient.id)).toMatchObject([{ alertType: "low_battery" }]);
  });
});

describe("group offline threshold", () => {
  it("raises one group alert at the threshold (sub-groups' devices count), counts repeats, resolves when back under", async () => {
    const root = await db.deviceGroup.create({ data: { name: "Barn", code: `AS${suffix}-BARN`, farmId, offlineAlertThreshold: 2 } });
    const pen = await db.deviceGroup.create({ data: { name: "Pen", code: `AS${suffix}-PEN`, farmId, parentId: root.id, offlineAlertThreshold: 5 } });
    const silent = new Date(Date.now() - 20 * 60_000);
    const inRoot = await device({ lastSeen: silent, group: { connect: { id: root.id } } });
    await device({ lastSeen: silent, group: { connect: { id: pen.id } } });
    await device({ group: { connect: { id: pen.id } } });
    // in maintenance: neither counted nor offline
    await device({ lastSeen: silent, maintenanceMode: true, group: { connect: { id: root.id } } });
    const groupAlerts = (groupId: number) => db.alert.findMany({ where: { groupId }, orderBy: { id: "asc" } });

    const first = await sweep();
    expect(first.groupRaised).toBeGreaterThanOrEqual(1);
    expect(await groupAlerts(root.id)).toMatchObject([
      { alertType: "group_offline", deviceId: null, severity: "warning", state: "active", message: "2 of 3 devices offline (threshold 2)", occurrenceCount: 1 },
    ]);
    expect(await groupAlerts(pen.id)).toEqual([]);

    await sweep();
    expect(await groupAlerts(root.id)).toMatchObject([{ state: "active", occurrenceCount: 2 }]);

    await setDevice(inRoot.id, { lastSeen: new Date() });
    const back = await sweep();
    expect(back.groupResolved).toBeGreaterThanOrEqual(1);
    expect(await groupAlerts(root.id)).toMatchObject([{ state: "resolved", resolutionNotes: AUTO_RESOLVED_NOTE, occurrenceCount: 2 }]);

    // silent again: a new alert; the group switched off: its open alert is resolved, none raised
    await setDevice(inRoot.id, { lastSeen: silent });
    await sweep();
    expect(await groupAlerts(root.id)).toMatchObject([{ state: "resolved" }, { state: "active", occurrenceCount: 1 }]);
    await db.deviceGroup.update({ where: { id: root.id }, data: { active: false } });
    await sweep();
    expect(await groupAlerts(root.id)).toMatchObject([{ state: "resolved" }, { state: "resolved", resolutionNotes: AUTO_RESOLVED_NOTE }]);
  });
});

describe("end to end through the broker and the worker", () => {
  const service = {
    username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
    password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
  };
  const workerClientId = `sdm-iot-worker-alerts-${Date.now().toString(36)}`;
  let broker: TestBroker | undefined;
  let mqttUrl: string;
  let worker: IotWorker | undefined;
  let fleet: Awaited<ReturnType<typeof createTestFleet>> | undefined;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    fleet = await createTestFleet(db, 1);
    broker = await openTestBroker(db, service);
    mqttUrl = broker.url;
    worker = await startIotWorker({
      mqttUrl,
      databaseUrl: resolveDatabaseUrl(),
      serviceUsername: service.username,
      servicePassword: service.password,
      clientId: workerClientId,
      // the sweep is called by the test, not by pg-boss's clock
      runJobs: false,
      flushIntervalMs: 50,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await worker?.stop();
    await broker?.wipeSession(workerClientId);
    await broker?.close();
    await fleet?.remove();
  });

  it("a device reporting a flat battery gets a low_battery alert from the sweep; recharged, it is auto-resolved", async () => {
    const { id, deviceId, credentials } = fleet!.devices[0]!;
    const outcome = await connectOnce(mqttUrl, { ...credentials });
    if (!outcome.ok) throw outcome.error;
    clients.push(outcome.client);
    const publish = (battery: number) =>
      outcome.client.publishAsync(topics.telemetry(deviceId), JSON.stringify({ ts: new Date().toISOString(), battery_level: battery, error_count: 0 }), { qos: 1 });

    await publish(0);
    await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id } })).batteryLevel === 0);
    await sweep();
    expect(await alertsOf(id)).toMatchObject([{ alertType: "low_battery", severity: "critical", state: "active", message: "Battery level at 0%" }]);

    await publish(96);
    await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id } })).batteryLevel === 96);
    await sweep();
    expect(await alertsOf(id)).toMatchObject([{ alertType: "low_battery", state: "resolved", resolutionNotes: AUTO_RESOLVED_NOTE }]);
  });
});
