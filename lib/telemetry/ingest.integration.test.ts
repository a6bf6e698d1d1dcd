/**
 * The ingestor with its real writer on a real PostgreSQL, with row writes held back (the worker's
 * default): what the device row says when readings arrive late across windows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestFleet } from "@/workers/test-fleet";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { TelemetryIngestor, type DeviceMessage } from "./ingest";
import { createSqlPool, type SqlPool } from "./sql";
import { loadWrittenRows } from "./store-window";

const db = getDb();
let pool: SqlPool;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;

const reading = (deviceId: string, ts: number, battery: number, errors: number): DeviceMessage => ({
  kind: "telemetry",
  deviceId,
  receivedAt: new Date(),
  payload: { ts: new Date(ts).toISOString(), battery_level: battery, error_count: errors },
});

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  fleet = await createTestFleet(db, 2);
  // Registered a day ago, so readings from an hour ago are believable.
  await db.device.updateMany({ where: { farmId: fleet.farmId }, data: { createdAt: new Date(Date.now() - 86_400_000) } });
});

afterAll(async () => {
  await fleet?.remove();
  await pool?.end();
  await disconnectDb();
});

describe("TelemetryIngestor on PostgreSQL", () => {
  it("keeps the newest reading on the row when an older one comes in a later window, even while the row write is held back", async () => {
    const [meter] = fleet.devices;
    const now = Date.now();
    const refreshMs = 60_000;
    const ingestor = new TelemetryIngestor({ pool, deviceRowRefreshMs: refreshMs, quietFlushMs: 5 });

    // First contact writes the row: values and their device time.
    ingestor.accept(reading(meter!.deviceId, now - 10_000, 70, 0));
    await ingestor.flush();
    let row = await db.device.findUniqueOrThrow({ where: { id: meter!.id } });
    expect(row).toMatchObject({ batteryLevel: 70, errorCount: 0 });
    expect(row.valuesAt!.getTime()).toBe(now - 10_000);

    // A newer reading that changes nothing the health rules judge: its row write is held back…
    ingestor.accept(reading(meter!.deviceId, now, 69, 0));
    await ingestor.flush();
    row = await db.device.findUniqueOrThrow({ where: { id: meter!.id } });
    expect(row.batteryLevel).toBe(70);

    // …and an hour-old reading (a buffer flushed after a reconnect) in the next window must not
    // take its place: the held-back newer values are what the row gets.
    ingestor.accept(reading(meter!.deviceId, now - 3_600_000, 95, 40));
    await ingestor.stop();
    row = await db.device.findUniqueOrThrow({ where: { id: meter!.id } });
    expect(row).toMatchObject({ batteryLevel: 69, errorCount: 0 });
    expect(row.valuesAt!.getTime()).toBe(now);
    expect(await db.telemetrySample.count({ where: { deviceId: meter!.id } })).toBe(3);
    expect(ingestor.stats()).toMatchObject({ stored: 3, outOfOrder: 1 });
  });

  it("a later worker run does not let an old reading overwrite the values of the row", async () => {
    const [, collar] = fleet.devices;
    const now = Date.now();
    const first = new TelemetryIngestor({ pool });
    first.accept(reading(collar!.deviceId, now, 55, 2));
    await first.stop();

    // Restarted: it knows only what the rows say.
    const second = new TelemetryIngestor({ pool, deviceRowRefreshMs: 5_000, written: await loadWrittenRows(pool, 5_000) });
    second.accept(reading(collar!.deviceId, now - 60_000, 90, 9));
    await second.stop();
    const row = await db.device.findUniqueOrThrow({ where: { id: collar!.id } });
    expect(row).toMatchObject({ batteryLevel: 55, errorCount: 2 });
    expect(row.valuesAt!.getTime()).toBe(now);
    expect(second.stats().outOfOrder).toBe(1);
  });

  it("stores a window holding messages PostgreSQL refuses: the others are stored, the refused ones dropped, acknowledged and counted", async () => {
    // Straight into the ingestor, past the worker's validation: the last line of defence.
    const lane = await createTestFleet(db, 6);
    try {
      const [good, nul, surrogate, uptime, huge, late] = lane.devices.map((device) => device.deviceId) as [string, string, string, string, string, string];
      // A byte counter about to pass bigint: it saturates instead of refusing the device for good.
      await db.device.update({ where: { id: lane.devices[4]!.id }, data: { dataTransmittedBytes: 9_223_372_036_854_775_000n } });
      const ingestor = new TelemetryIngestor({ pool, quietFlushMs: 5 });
      const acked: string[] = [];
      const send = (deviceId: string, payload: DeviceMessage["payload"]) =>
        ingestor.accept({ kind: "telemetry", deviceId, receivedAt: new Date(), payload } as DeviceMessage, () => acked.push(deviceId));
      send(good, { battery_level: 80, readings: { milk_flow_lpm: 2.1 } });
      send(nul, { battery_level: 70, readings: { note: "a\u0000b" } });
      send(surrogate, { battery_level: 60, readings: { label: "x\ud800" } });
      send(uptime, { battery_level: 50, uptime_seconds: 3_000_000_000 });
      send(huge, { battery_level: 40, bytes_sent: 1_000_000 });
      send(late, { battery_level: 30, readings: { milk_flow_lpm: 1.9 } });
      await ingestor.flush();

      expect(acked.sort()).toEqual([good, nul, surrogate, uptime, huge, late].sort());
      const samples = await db.telemetrySample.findMany({ where: { deviceId: { in: lane.devices.map((device) => device.id) } }, include: { device: { select: { deviceId: true } } } });
      expect(samples.map((sample) => sample.device.deviceId).sort()).toEqual([good, huge, late].sort());
      const rows = await db.device.findMany({ where: { farmId: lane.farmId }, orderBy: { id: "asc" } });
      expect(rows.map((row) => row.batteryLevel)).toEqual([80, null, null, null, 40, 30]);
      expect(rows[4]!.dataTransmittedBytes).toBe(9_223_372_036_854_775_807n);
      expect(ingestor.stats()).toMatchObject({ stored: 3, refused: 3, pending: 0 });
      await ingestor.stop();
    } finally {
      await lane.remove();
    }
  });
});
