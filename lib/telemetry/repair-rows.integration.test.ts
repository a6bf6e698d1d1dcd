/**
 * The start-up repair of device rows left behind their stored samples (a worker killed while a
 * row write was held back), on a real PostgreSQL. The worker end to end, killed with SIGKILL, is
 * in workers/iot-worker-recovery.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestFleet } from "@/workers/test-fleet";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { repairDeviceRows } from "./repair-rows";
import { createSqlPool, type SqlPool } from "./sql";

const db = getDb();
let pool: SqlPool;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  fleet = await createTestFleet(db, 4);
});

afterAll(async () => {
  await fleet?.remove();
  await pool?.end();
  await disconnectDb();
});

describe("repairDeviceRows", () => {
  it("brings rows up to their newest samples, value by value, and leaves current rows alone", async () => {
    const [behind, statusOnly, current, retired] = fleet.devices as [(typeof fleet.devices)[number], (typeof fleet.devices)[number], (typeof fleet.devices)[number], (typeof fleet.devices)[number]];
    const t = Date.now() - 60_000;
    const at = (offset: number) => new Date(t + offset);
    const seen = at(0);
    // The row was written with the reading at t; two more were stored and acknowledged after it.
    await db.device.update({ where: { id: behind.id }, data: { lastSeen: seen, valuesAt: at(0), batteryLevel: 70, signalStrength: -60, errorCount: 0 } });
    await db.telemetrySample.createMany({
      data: [
        { deviceId: behind.id, ts: at(0), receivedAt: at(0), batteryLevel: 70, signalStrength: -60, errorCount: 0 },
        { deviceId: behind.id, ts: at(1_000), receivedAt: at(1_100), batteryLevel: 65, signalStrength: -70, errorCount: 3, healthScore: 81 },
        // The newest did not measure the battery: the one before it still counts.
        { deviceId: behind.id, ts: at(2_000), receivedAt: at(2_100), batteryLevel: null, signalStrength: -72, errorCount: null, cpuPercent: 12 },
      ],
    });
    // Only a status message had reached the row before its first reading was held back.
    await db.device.update({ where: { id: statusOnly.id }, data: { lastSeen: seen, valuesAt: null, batteryLevel: null } });
    await db.telemetrySample.createMany({
      data: [
        { deviceId: statusOnly.id, ts: at(500), receivedAt: at(600), batteryLevel: 55 },
        { deviceId: statusOnly.id, ts: at(1_500), receivedAt: at(1_600), batteryLevel: 54 },
      ],
    });
    await db.device.update({ where: { id: current.id }, data: { lastSeen: seen, valuesAt: at(3_000), batteryLevel: 90 } });
    await db.telemetrySample.create({ data: { deviceId: current.id, ts: at(3_000), receivedAt: at(3_000), batteryLevel: 90 } });
    await db.device.update({ where: { id: retired.id }, data: { lastSeen: seen, valuesAt: at(0), batteryLevel: 10, state: "decommissioned" } });
    await db.telemetrySample.create({ data: { deviceId: retired.id, ts: at(5_000), receivedAt: at(5_000), batteryLevel: 11 } });

    expect((await repairDeviceRows(pool)).sort()).toEqual([behind.deviceId, statusOnly.deviceId].sort());

    const row = await db.device.findUniqueOrThrow({ where: { id: behind.id } });
    expect(row).toMatchObject({ batteryLevel: 65, signalStrength: -72, errorCount: 3, cpuPercent: 12, healthScore: 81 });
    expect(row.valuesAt!.getTime()).toBe(at(2_000).getTime());
    expect(row.lastSeen!.getTime()).toBe(at(2_100).getTime());
    const first = await db.device.findUniqueOrThrow({ where: { id: statusOnly.id } });
    expect(first.batteryLevel).toBe(54);
    expect(first.valuesAt!.getTime()).toBe(at(1_500).getTime());
    expect((await db.device.findUniqueOrThrow({ where: { id: current.id } })).batteryLevel).toBe(90);
    expect((await db.device.findUniqueOrThrow({ where: { id: retired.id } })).batteryLevel).toBe(10);

    // Nothing left to do the second time.
    expect(await repairDeviceRows(pool)).toEqual([]);
  });
});
