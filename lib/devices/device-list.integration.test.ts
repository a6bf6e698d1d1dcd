import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { InvalidError } from "../errors";
import { runBulkAction } from "./device-bulk";
import { exportDevicesCsv } from "./device-export";
import { countDevicesBy, listDevices, parseDeviceListQuery } from "./device-list";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
// Device ids must look like MM123456; a random block of numbers keeps this file's devices apart.
const base = 100_000 + Math.floor(Math.random() * 800_000);
const id = (prefix: string, n: number) => `${prefix}${base + n}`;

let farmA: number;
let farmB: number;
let parlour: number;
let parlourEast: number;
let collarsOnly: number;
let tag: number;
const admin: Actor = { kind: "user", id: 0, label: "admin@test.example", name: "Admin", role: "admin", farmId: null };
let manager: Actor;

const query = (raw: Record<string, unknown> = {}) => parseDeviceListQuery({ pageSize: "200", ...raw });
const ids = async (actor: Actor, raw: Record<string, unknown>) => (await listDevices(db, actor, query(raw))).items.map((device) => device.deviceId);

beforeAll(async () => {
  farmA = (await db.farm.create({ data: { code: `LA${suffix}`, name: `List Farm A ${suffix}` } })).id;
  farmB = (await db.farm.create({ data: { code: `LB${suffix}`, name: `List Farm B ${suffix}` } })).id;
  manager = { kind: "user", id: 0, label: "manager@test.example", name: "Manager", role: "manager", farmId: farmA };
  parlour = (await db.deviceGroup.create({ data: { code: `PARLOUR-${suffix}`, name: "Parlour", farmId: farmA } })).id;
  parlourEast = (await db.deviceGroup.create({ data: { code: `PARLOUR-E-${suffix}`, name: "Parlour east", farmId: farmA, parentId: parlour } })).id;
  collarsOnly = (await db.deviceGroup.create({ data: { code: `COLLARS-${suffix}`, name: "Collars", farmId: farmA, deviceTypeFilter: "collar" } })).id;
  tag = (await db.deviceTag.create({ data: { name: `heat-stress-${suffix}` } })).id;
  const now = Date.now();
  await db.device.createMany({
    data: [
      { deviceId: id("MM", 1), name: `Milk meter stall 1 ${suffix}`, deviceType: "milk_meter", farmId: farmA, state: "active", serialNumber: `SN-ALPHA-${suffix}`, macAddress: "AA:BB:CC:00:00:01", groupId: parlour, healthStatus: "healthy", healthScore: 96, connectionStatus: "online", batteryLevel: 80, lastSeen: new Date(now), firmwareVersion: "2.0.3" },
      { deviceId: id("MM", 2), name: `Milk meter stall 2 ${suffix}`, deviceType: "milk_meter", farmId: farmA, state: "active", groupId: parlourEast, healthStatus: "critical", healthScore: 20, needsAttention: true, connectionStatus: "offline", batteryLevel: 5, lastSeen: new Date(now - 3_600_000), firmwareVersion: "2.0.1" },
      { deviceId: id("AC", 3), name: `Collar 3 ${suffix}`, deviceType: "collar", farmId: farmA, state: "active", healthStatus: "warning", healthScore: 60, needsAttention: true, connectionStatus: "online", batteryLevel: null, lastSeen: new Date(now - 60_000) },
      { deviceId: id("AC", 4), name: `Collar 4 ${suffix}`, deviceType: "collar", farmId: farmA, state: "maintenance", maintenanceMode: true, healthStatus: "unknown", connectionStatus: "unknown" },
      { deviceId: id("TS", 5), name: `Retired sensor ${suffix}`, deviceType: "temperature", farmId: farmA, state: "decommissioned", retiredAt: new Date() },
      { deviceId: id("MM", 6), name: `Other farm meter ${suffix}`, deviceType: "milk_meter", farmId: farmB, state: "active", healthStatus: "healthy", connectionStatus: "online", serialNumber: `SN-ALPHA-B-${suffix}` },
    ],
  });
  const meter1 = await db.device.findUniqueOrThrow({ where: { deviceId: id("MM", 1) } });
  await db.deviceTagLink.create({ data: { deviceId: meter1.id, tagId: tag } });
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: [1, 2, 3, 4, 5, 6].map((n) => id(n === 3 || n === 4 ? "AC" : n === 5 ? "TS" : "MM", n)) } } });
  await db.device.deleteMany({ where: { farmId: { in: [farmA, farmB] } } });
  await db.deviceTag.deleteMany({ where: { id: tag } });
  await db.deviceGroup.deleteMany({ where: { id: { in: [parlourEast] } } });
  await db.deviceGroup.deleteMany({ where: { id: { in: [parlour, collarsOnly] } } });
  await db.farm.deleteMany({ where: { id: { in: [farmA, farmB] } } });
  await disconnectDb();
});

describe("finding devices", () => {
  it("searches id, name, serial and MAC by any part, ignoring case", async () => {
    expect(await ids(admin, { q: String(base + 1) })).toEqual([id("MM", 1)]);
    expect(await ids(admin, { q: `STALL 2 ${suffix}`.toLowerCase() })).toEqual([id("MM", 2)]);
    expect(await ids(admin, { q: `sn-alpha-${suffix}`, farm: String(farmA) })).toEqual([id("MM", 1)]);
    expect(await ids(admin, { q: "aa:bb:cc:00:00:01", farm: String(farmA) })).toEqual([id("MM", 1)]);
  });

  it("filters by type, health, connection, attention, maintenance, firmware and tag", async () => {
    const farm = String(farmA);
    expect(await ids(admin, { farm, type: "collar" })).toEqual([id("AC", 3), id("AC", 4)]);
    expect(await ids(admin, { farm, type: "collar,milk_meter", health: "critical" })).toEqual([id("MM", 2)]);
    expect(await ids(admin, { farm, connection: ["online"] })).toEqual([id("AC", 3), id("MM", 1)]);
    expect(await ids(admin, { farm, attention: "true" })).toEqual([id("AC", 3), id("MM", 2)]);
    expect(await ids(admin, { farm, maintenance: "true" })).toEqual([id("AC", 4)]);
    expect(await ids(admin, { farm, firmware: "2.0.1" })).toEqual([id("MM", 2)]);
    expect(await ids(admin, { farm, tag: String(tag) })).toEqual([id("MM", 1)]);
  });

  it("filters by configuration sync status and drift, as the device page derives them", async () => {
    const farm = String(farmA);
    const pk = async (n: number, prefix: string) => (await db.device.findUniqueOrThrow({ where: { deviceId: id(prefix, n) } })).id;
    const reported = new Date();
    // MM1 confirmed its version; MM2 refused it; AC3 runs something else past the grace period; AC4 was
    // sent its first version; the retired TS5 never had one
    await db.deviceShadow.createMany({
      data: [
        { deviceId: await pk(1, "MM"), desiredVersion: 2, desiredHash: "h2", reportedVersion: 2, reportedHash: "h2", reportedAt: reported, status: "applied" },
        { deviceId: await pk(2, "MM"), desiredVersion: 3, desiredHash: "h3", reportedVersion: 2, reportedHash: "h2", reportedAt: reported, status: "rejected", statusReason: "ammonia_high above critical" },
        { deviceId: await pk(3, "AC"), desiredVersion: 2, desiredHash: "h2", reportedVersion: 0, reportedHash: "h0", reportedAt: reported, status: "applied", drifted: true },
        { deviceId: await pk(4, "AC"), desiredVersion: 1, desiredHash: "h1", status: "sent" },
      ],
    });
    expect(await ids(admin, { farm, config: "in_sync" })).toEqual([id("MM", 1)]);
    expect(await ids(admin, { farm, config: "rejected" })).toEqual([id("MM", 2)]);
    expect(await ids(admin, { farm, config: "drift" })).toEqual([id("AC", 3)]);
    expect(await ids(admin, { farm, config: "pending" })).toEqual([id("AC", 4)]);
    expect(await ids(admin, { farm, config: "unknown" })).toEqual([]);
    expect(await ids(admin, { farm, config: "unknown", retired: "true" })).toEqual([id("TS", 5)]);
    expect(await ids(admin, { farm, config: "in_sync,rejected" })).toEqual([id("MM", 1), id("MM", 2)]);
    expect(await ids(admin, { farm, drift: "true" })).toEqual([id("AC", 3)]);
    expect(await ids(admin, { farm, drift: "false" })).toEqual([id("AC", 4), id("MM", 1), id("MM", 2)]);
    expect(() => query({ config: "sideways" })).toThrow(InvalidError);
    await db.deviceShadow.deleteMany({ where: { deviceId: { in: [await pk(1, "MM"), await pk(2, "MM"), await pk(3, "AC"), await pk(4, "AC")] } } });
  });

  it("includes the sub-groups of a group, and finds devices without a group", async () => {
    expect(await ids(admin, { group: String(parlour) })).toEqual([id("MM", 1), id("MM", 2)]);
    expect(await ids(admin, { group: String(parlourEast) })).toEqual([id("MM", 2)]);
    expect(await ids(admin, { farm: String(farmA), group: "none" })).toEqual([id("AC", 3), id("AC", 4)]);
  });

  it("hides retired devices unless asked", async () => {
    expect(await ids(admin, { farm: String(farmA) })).not.toContain(id("TS", 5));
    expect(await ids(admin, { farm: String(farmA), retired: "true" })).toContain(id("TS", 5));
    expect(await ids(admin, { farm: String(farmA), state: "decommissioned" })).toEqual([id("TS", 5)]);
  });

  it("sorts on a column with missing values last, and pages without overlap", async () => {
    // ties (here the two without a battery) follow the sort's direction by device id: one index serves both directions of a keyset page
    expect(await ids(admin, { farm: String(farmA), sort: "battery", dir: "desc" })).toEqual([id("MM", 1), id("MM", 2), id("AC", 4), id("AC", 3)]);
    expect(await ids(admin, { farm: String(farmA), sort: "battery", dir: "asc" })).toEqual([id("MM", 2), id("MM", 1), id("AC", 3), id("AC", 4)]);
    const first = await listDevices(db, admin, parseDeviceListQuery({ farm: String(farmA), pageSize: "25" }));
    expect(first).toMatchObject({ total: 4, totalKind: "exact", page: 1, pages: 1, nextCursor: null, prevCursor: null });
    expect(new Set(first.items.map((device) => device.deviceId)).size).toBe(4);
  });

  it("takes % and _ in a search as the characters themselves, on both search paths", async () => {
    const farmC = (await db.farm.create({ data: { code: `LC${suffix}`, name: `List Farm C ${suffix}` } })).id;
    try {
      const names = [`Tank 100% full ${suffix}`, `Tank 100 full ${suffix}`, `Gate_north ${suffix}`, `Gate north ${suffix}`];
      await db.device.createMany({ data: names.map((name, n) => ({ deviceId: id("GT", 20 + n), name, deviceType: "gate" as const, farmId: farmC, state: "active" as const })) });
      const farm = String(farmC);
      // One character: the Prisma filter; three or more: the trigram prefetch in raw SQL.
      expect(await ids(admin, { farm, q: "%" })).toEqual([id("GT", 20)]);
      expect(await ids(admin, { farm, q: "_" })).toEqual([id("GT", 22)]);
      expect(await ids(admin, { farm, q: "0% f" })).toEqual([id("GT", 20)]);
      expect(await ids(admin, { farm, q: "E_N" })).toEqual([id("GT", 22)]);
      expect(await ids(admin, { farm, q: "\\" })).toEqual([]);
    } finally {
      await db.device.deleteMany({ where: { farmId: farmC } });
      await db.farm.delete({ where: { id: farmC } });
    }
  });

  it("keeps a farm-bound manager inside their farm whatever the URL says", async () => {
    expect(await ids(manager, { q: suffix })).not.toContain(id("MM", 6));
    expect(await ids(manager, { farm: String(farmB) })).toEqual([]);
  });

  it("counts by type and by group", async () => {
    const byType = await countDevicesBy(db, admin, query({ farm: String(farmA) }), "type");
    expect(byType).toEqual(expect.arrayContaining([{ key: "collar", label: "Activity Collar", count: 2 }, { key: "milk_meter", label: "Milk Meter", count: 2 }]));
    const byGroup = await countDevicesBy(db, admin, query({ farm: String(farmA) }), "group");
    expect(byGroup).toEqual(expect.arrayContaining([{ key: "none", label: "No group", count: 2 }, { key: String(parlour), label: `Parlour · LA${suffix}`, count: 1 }]));
  });

  it("refuses a filter it does not understand, naming the parameter", () => {
    expect(() => parseDeviceListQuery({ type: "cow", pageSize: "7", sort: "colour" })).toThrow(InvalidError);
    try {
      parseDeviceListQuery({ type: "cow", pageSize: "7", sort: "colour" });
    } catch (error) {
      expect(Object.keys((error as InvalidError).fieldErrors).sort()).toEqual(["pageSize", "sort", "type"]);
    }
  });
});

describe("changing many devices at once", () => {
  it("refuses a group that excludes one of the devices, and changes none of them", async () => {
    const attempt = runBulkAction(db, admin, { action: "addToGroup", groupId: collarsOnly, target: { deviceIds: [id("AC", 3), id("MM", 1)] } });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/1 of the 2 devices cannot join “Collars”; nothing was changed/), fieldErrors: { groupId: [expect.stringMatching(/holds only Activity Collar devices/)] } });
    const meter = await db.device.findUniqueOrThrow({ where: { deviceId: id("AC", 3) } });
    expect(meter.groupId).toBeNull();
  });

  it("adds to a group with one history line per device", async () => {
    const result = await runBulkAction(db, admin, { action: "addToGroup", groupId: collarsOnly, target: { deviceIds: [id("AC", 3), id("AC", 4)] } });
    expect(result).toMatchObject({ matched: 2, changed: 2 });
    const history = await db.auditEvent.findMany({ where: { entityType: "device", entityId: id("AC", 3), action: "bulk_updated" } });
    expect(history.at(-1)).toMatchObject({ actorLabel: "admin@test.example", before: { group: null }, after: { group: `COLLARS-${suffix}` } });
  });

  it("tags and untags every device a filter matches", async () => {
    const filter = { farm: String(farmA), type: "milk_meter" };
    expect(await runBulkAction(db, admin, { action: "addTag", tagId: tag, target: { filter } })).toMatchObject({ matched: 2, changed: 1 });
    expect(await ids(admin, { tag: String(tag) })).toEqual([id("MM", 1), id("MM", 2)]);
    expect(await runBulkAction(db, admin, { action: "removeTag", tagId: tag, target: { filter } })).toMatchObject({ changed: 2 });
    expect(await ids(admin, { tag: String(tag) })).toEqual([]);
  });

  it("turns maintenance mode on and off with the lifecycle state (M92)", async () => {
    await runBulkAction(db, admin, { action: "maintenanceOn", notes: "Annual service", target: { deviceIds: [id("MM", 1)] } });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: id("MM", 1) } })).toMatchObject({ maintenanceMode: true, state: "maintenance", maintenanceNotes: "Annual service" });
    await runBulkAction(db, admin, { action: "maintenanceOff", target: { deviceIds: [id("MM", 1)] } });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: id("MM", 1) } })).toMatchObject({ maintenanceMode: false, state: "active" });
  });

  it("refuses a viewer in the domain layer itself, whatever called it", async () => {
    const viewer: Actor = { ...admin, role: "viewer" };
    await expect(runBulkAction(db, viewer, { action: "maintenanceOn", target: { deviceIds: [id("MM", 1)] } })).rejects.toThrow(/does not allow maintenance.write/);
    await expect(runBulkAction(db, viewer, { action: "addTag", tagId: tag, target: { deviceIds: [id("MM", 1)] } })).rejects.toThrow(/does not allow devices.write/);
  });

  it("does not let a manager reach another farm's device", async () => {
    await expect(runBulkAction(db, manager, { action: "maintenanceOn", target: { deviceIds: [id("MM", 6)] } })).rejects.toThrow(/Not found or retired/);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: id("MM", 6) } })).maintenanceMode).toBe(false);
  });
});

describe("exporting devices", () => {
  async function read(stream: ReadableStream<Uint8Array>) {
    return new Response(stream).text();
  }

  it("writes the import columns first and one row per device of the filter", async () => {
    const csv = await read(await exportDevicesCsv(db, admin, { filter: query({ farm: String(farmA), type: "milk_meter" }) }));
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\n");
    expect(lines[0]).toMatch(/^device_id,name,device_type,farm_code,manufacturer,model,serial_number,mac_address,location,/);
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual([id("MM", 1), id("MM", 2)]);
  });

  it("exports only the selection, inside the actor's farm", async () => {
    const csv = await read(await exportDevicesCsv(db, manager, { deviceIds: [id("MM", 1), id("MM", 6)] }));
    expect(csv).toContain(id("MM", 1));
    expect(csv).not.toContain(id("MM", 6));
  });

  it("defuses a name that a spreadsheet would run as a formula", async () => {
    await db.device.update({ where: { deviceId: id("AC", 3) }, data: { name: "=HYPERLINK(\"http://evil\")" } });
    const csv = await read(await exportDevicesCsv(db, admin, { deviceIds: [id("AC", 3)] }));
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
