/**
 * Keyset pages of the devices list on the real PostgreSQL: every sort column, both directions,
 * many ties and empty values, walked forwards and back by cursor and compared with the order the
 * list promises (computed here in JS from the rows); the old `?page=` against the cursor walk;
 * bad cursors refused; counts beyond 10,000 labelled; the export streaming every row once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as devicesRoute from "@/app/api/v1/devices/route";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { InvalidError } from "../errors";
import { apiRequest, createApiFixture, noParams, removeApiFixture, type ApiFixture } from "../testing/api-fixture";
import { EXACT_COUNT_LIMIT } from "./device-count";
import { encodeCursor, ENUM_ORDER } from "./device-cursor";
import { exportDevicesCsv } from "./device-export";
import { listDevices, parseDeviceListQuery, type ListedDevice } from "./device-list";
import { DEVICE_SORT_KEYS, type DeviceSortKey } from "./device-schemas";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const admin: Actor = { kind: "user", id: 0, label: "admin@test.example", name: "Admin", role: "admin", farmId: null };
const DEVICES = 70;
const TYPES = ["milk_meter", "collar", "feeder"] as const;
const STATES = ["active", "registered", "maintenance"] as const;
const CONNECTIONS = ["online", "offline", "unknown"] as const;

let farmA: number;
let farmB: number;
let tag: number;
let groups: number[] = [];
let fixture: ApiFixture;
let bigFarm: number;

beforeAll(async () => {
  farmA = (await db.farm.create({ data: { code: `KA${suffix}`, name: `Keyset A ${suffix}` } })).id;
  farmB = (await db.farm.create({ data: { code: `KB${suffix}`, name: `Keyset B ${suffix}` } })).id;
  tag = (await db.deviceTag.create({ data: { name: `keyset-${suffix}` } })).id;
  // two groups with the same name on two farms, and one more: group-name ties across farms
  groups = [
    (await db.deviceGroup.create({ data: { code: `KG1-${suffix}`, name: `Barn ${suffix}`, farmId: farmA } })).id,
    (await db.deviceGroup.create({ data: { code: `KG2-${suffix}`, name: `Barn ${suffix}`, farmId: farmB } })).id,
    (await db.deviceGroup.create({ data: { code: `KG3-${suffix}`, name: `Alley ${suffix}`, farmId: farmA } })).id,
  ];
  const seen = new Date("2026-11-01T06:00:00.000Z").getTime();
  // Few distinct values per column, so every sort has long runs of ties (and empty values) that
  // cross the 25-row page boundaries; device ids are given out of order on purpose.
  await db.device.createMany({
    data: Array.from({ length: DEVICES }, (_, n) => {
      const farmId = n % 2 ? farmB : farmA;
      return {
        deviceId: `MM${base + ((n * 37) % DEVICES)}`,
        name: `Meter ${n % 4} ${suffix}`,
        deviceType: TYPES[n % 3]!,
        state: STATES[n % 3 === 0 ? 0 : n % 5 === 0 ? 1 : n % 7 === 0 ? 2 : 0]!,
        farmId,
        groupId: n % 6 === 0 ? null : n % 2 ? groups[1]! : groups[n % 4 === 0 ? 2 : 0]!,
        healthScore: [90, 55.5, 90, 10][n % 4]!,
        connectionStatus: CONNECTIONS[n % 3]!,
        batteryLevel: n % 5 === 0 ? null : [12.5, 80, 80, 3][n % 4]!,
        signalStrength: n % 4 === 0 ? null : [-60, -70][n % 2]!,
        firmwareVersion: n % 3 === 0 ? null : ["2.0.1", "2.10.0"][n % 2]!,
        lastSeen: n % 8 === 0 ? null : new Date(seen - (n % 3) * 60_000),
      };
    }),
  });
  const rows = await db.device.findMany({ where: { farmId: { in: [farmA, farmB] } }, select: { id: true } });
  await db.deviceTagLink.createMany({ data: rows.map((row) => ({ deviceId: row.id, tagId: tag })) });
  fixture = await createApiFixture(db, "KS", suffix);
});

afterAll(async () => {
  await db.device.deleteMany({ where: { farmId: { in: [farmA, farmB, ...(bigFarm ? [bigFarm] : [])] } } });
  await db.deviceGroup.deleteMany({ where: { id: { in: groups } } });
  await db.deviceTag.deleteMany({ where: { id: tag } });
  await db.farm.deleteMany({ where: { id: { in: [farmA, farmB, ...(bigFarm ? [bigFarm] : [])] } } });
  await removeApiFixture(db, fixture, []);
  await disconnectDb();
});

const filter = () => ({ tag: String(tag), pageSize: "25" });

/** The order the list promises: the column's value (empty values last either way), then the device id, both in the sort's direction. */
function expectedOrder(rows: ListedDevice[], sort: DeviceSortKey, dir: "asc" | "desc"): string[] {
  const enumRank = (order: readonly string[]) => (value: string) => order.indexOf(value);
  const key: Record<DeviceSortKey, (row: ListedDevice) => string | number | null> = {
    deviceId: (row) => row.deviceId,
    name: (row) => row.name,
    type: (row) => enumRank(ENUM_ORDER.deviceType)(row.deviceType),
    farm: (row) => row.farm.code,
    group: (row) => row.group?.name ?? null,
    state: (row) => enumRank(ENUM_ORDER.state)(row.state),
    health: (row) => row.healthScore,
    connection: (row) => enumRank(ENUM_ORDER.connectionStatus)(row.connectionStatus),
    battery: (row) => row.batteryLevel,
    signal: (row) => row.signalStrength,
    firmware: (row) => row.firmwareVersion,
    lastSeen: (row) => row.lastSeen?.getTime() ?? null,
  };
  const sign = dir === "asc" ? 1 : -1;
  // the test's strings are ASCII letters, digits, dots and spaces of one case: the database's collation orders them as code points do
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .sort((a, b) => {
      const [x, y] = [key[sort](a), key[sort](b)];
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
      } else if (x !== y) return sign * compare(x, y);
      return sign * compare(a.deviceId, b.deviceId);
    })
    .map((row) => row.deviceId);
}

async function walk(sort: DeviceSortKey, dir: "asc" | "desc") {
  const pages: string[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10; guard++) {
    const page = await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort, dir, ...(cursor ? { cursor } : {}) }));
    pages.push(page.items.map((row) => row.deviceId));
    cursors.push(page.prevCursor);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { pages, cursors };
}

describe("keyset pages of the devices list", () => {
  it("knows the enums' order as the database sorts them", async () => {
    const order = async (type: string) =>
      (await db.$queryRawUnsafe<{ label: string }[]>(`SELECT enumlabel::text AS label FROM pg_enum WHERE enumtypid = '"${type}"'::regtype ORDER BY enumsortorder`)).map((row) => row.label);
    expect(await order("DeviceType")).toEqual([...ENUM_ORDER.deviceType]);
    expect(await order("DeviceState")).toEqual([...ENUM_ORDER.state]);
    expect(await order("ConnectionStatus")).toEqual([...ENUM_ORDER.connectionStatus]);
  });

  it.each(DEVICE_SORT_KEYS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => [sort, dir] as const)))("walks every device once by %s %s, forwards and back, across ties", async (sort, dir) => {
    const all = await listDevices(db, admin, parseDeviceListQuery({ tag: String(tag), pageSize: "200", sort, dir }));
    expect(all.items).toHaveLength(DEVICES);
    const expected = expectedOrder(all.items, sort, dir);
    // the one-page read follows the promised order too
    expect(all.items.map((row) => row.deviceId)).toEqual(expected);

    const { pages, cursors } = await walk(sort, dir);
    expect(pages.map((page) => page.length)).toEqual([25, 25, 20]);
    expect(pages.flat()).toEqual(expected);
    // Previous from each page is the page before it
    for (let n = 1; n < pages.length; n++) {
      const previous = await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort, dir, cursor: cursors[n]! }));
      expect(previous.items.map((row) => row.deviceId)).toEqual(pages[n - 1]);
      expect(previous.offset).toBe((n - 1) * 25);
      expect(previous.prevCursor === null).toBe(n === 1);
    }
    // the old ?page= (an offset) shows the same rows as the cursor walk
    for (let n = 0; n < pages.length; n++) {
      const byOffset = await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort, dir, page: String(n + 1) }));
      expect(byOffset.items.map((row) => row.deviceId)).toEqual(pages[n]);
      expect(byOffset.nextCursor === null).toBe(n === pages.length - 1);
    }
  });

  it("says where a page is and whether there is another", async () => {
    const first = await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort: "battery" }));
    expect(first).toMatchObject({ total: DEVICES, totalKind: "exact", page: 1, pages: 3, offset: 0, prevCursor: null });
    const third = await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort: "battery", cursor: (await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort: "battery", cursor: first.nextCursor! }))).nextCursor! }));
    expect(third).toMatchObject({ page: 3, offset: 50, nextCursor: null });
    expect(third.items).toHaveLength(20);
  });

  it("refuses a cursor it did not give out, or one of another sort, with a message on the cursor", () => {
    const refusal = (raw: Record<string, unknown>) => {
      try {
        parseDeviceListQuery(raw);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidError);
        return (error as InvalidError).fieldErrors.cursor;
      }
      throw new Error("accepted");
    };
    const bad = ["not a cursor!", "bm90LWpzb24", Buffer.from(JSON.stringify(["battery", "asc", "eighty", "MM1", 0, 0])).toString("base64url"), Buffer.from(JSON.stringify(["colour", "asc", 1, "MM1", 0, 0])).toString("base64url")];
    for (const cursor of bad) expect(refusal({ sort: "battery", cursor })).toEqual(["cursor is not one this list gave out; start again from the first page"]);
    const lastSeen = encodeCursor({ sort: "lastSeen", dir: "asc", value: "2026-11-01T06:00:00.000Z", deviceId: "MM100001", before: false, offset: 25 });
    expect(refusal({ sort: "battery", cursor: lastSeen })).toEqual(["cursor belongs to another sort order; start again from the first page"]);
    expect(refusal({ sort: "lastSeen", cursor: lastSeen, page: "3" })).toEqual(["Send either page or cursor, not both"]);
    expect(parseDeviceListQuery({ sort: "lastSeen", cursor: lastSeen }).cursor).toMatchObject({ value: "2026-11-01T06:00:00.000Z", deviceId: "MM100001" });
  });

  it("pages the API by nextCursor and answers a bad cursor with 400", async () => {
    const get = (query: string) => devicesRoute.GET(apiRequest(fixture.keys.admin, "GET", `/api/v1/devices?${query}`), noParams);
    const first = await get(`tag=${tag}&pageSize=25&sort=name&dir=desc`);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ total: DEVICES, totalKind: "exact", page: 1, pages: 3, prevCursor: null });
    const second = await (await get(`tag=${tag}&pageSize=25&sort=name&dir=desc&cursor=${body.nextCursor}`)).json();
    expect(second).toMatchObject({ page: 2, total: DEVICES });
    expect(second.data.map((row: { deviceId: string }) => row.deviceId)).toEqual((await listDevices(db, admin, parseDeviceListQuery({ ...filter(), sort: "name", dir: "desc", page: "2" }))).items.map((row) => row.deviceId));

    const refused = await get(`tag=${tag}&cursor=${body.nextCursor}`);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.fields).toEqual({ cursor: ["cursor belongs to another sort order; start again from the first page"] });
    expect((await get("cursor=%%%")).status).toBe(400);
  });

  it("counts exactly up to 10,000 and beyond says about how many (or more than), and exports every row once, in order", async () => {
    bigFarm = (await db.farm.create({ data: { code: `KC${suffix}`, name: `Keyset big ${suffix}` } })).id;
    const many = EXACT_COUNT_LIMIT + 300;
    await db.$executeRaw`
      INSERT INTO devices (device_id, name, device_type, state, farm_id, updated_at)
      SELECT 'FD' || (${base} * 10 + i), 'Feeder ' || i, 'feeder', 'active', ${bigFarm}, now() FROM generate_series(1, ${many}) i`;
    // the planner's statistics know the new farm only once analysed (autovacuum does it in production)
    await db.$executeRawUnsafe("ANALYZE devices");

    const estimated = await listDevices(db, admin, parseDeviceListQuery({ farm: String(bigFarm), pageSize: "25" }));
    expect(estimated.totalKind).toBe("estimate");
    expect(estimated.total).toBeGreaterThan(EXACT_COUNT_LIMIT);
    // PostgreSQL's estimate for one farm's devices after ANALYZE: near the real count
    expect(Math.abs(estimated.total - many) / many).toBeLessThan(0.25);
    // a column filter too: still PostgreSQL's estimate
    const narrow = await listDevices(db, admin, parseDeviceListQuery({ farm: String(bigFarm), type: "feeder", pageSize: "25" }));
    expect(narrow.totalKind).toBe("estimate");
    const exact = await listDevices(db, admin, parseDeviceListQuery({ farm: String(bigFarm), q: `Feeder 10`, pageSize: "25" }));
    expect(exact).toMatchObject({ totalKind: "exact" });
    expect(exact.total).toBe(await db.device.count({ where: { farmId: bigFarm, name: { startsWith: "Feeder 10" } } }));

    const api = await (await devicesRoute.GET(apiRequest(fixture.keys.admin, "GET", `/api/v1/devices?farm=${bigFarm}&pageSize=25`), noParams)).json();
    expect(api.totalKind).toBe("estimate");

    const stream = await exportDevicesCsv(db, admin, { filter: parseDeviceListQuery({ farm: String(bigFarm) }) }, ["device_id"]);
    const lines = (await new Response(stream).text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines[0]).toBe("device_id");
    const exported = lines.slice(1);
    expect(exported).toHaveLength(many);
    expect(new Set(exported).size).toBe(many);
    expect(exported).toEqual([...exported].sort());
  });

  it("says more than 10,000 for a filter it cannot estimate", async () => {
    const big = await db.device.findMany({ where: { farmId: bigFarm }, select: { id: true } });
    await db.deviceTagLink.createMany({ data: big.map((row) => ({ deviceId: row.id, tagId: tag })) });
    const page = await listDevices(db, admin, parseDeviceListQuery({ tag: String(tag), pageSize: "25" }));
    expect(page).toMatchObject({ total: EXACT_COUNT_LIMIT, totalKind: "atLeast" });
    expect(page.items).toHaveLength(25);
  });
});
