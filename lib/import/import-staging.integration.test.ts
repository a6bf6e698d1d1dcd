/**
 * The staged import (issue 20) where staging itself shows: two imports at the same moment each see
 * only their own staging tables (TEMP tables, a connection each), and when another writer took an
 * id meanwhile in skip mode, only the devices this import wrote get its tags and history entries
 * (found by their row version, not by a list of ids).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { previewImport, runImport } from "./device-import";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farmCode = `QS${suffix}`;
const tagName = `staged-${suffix}`;
let farmId = 0;
let admin: Actor;
const id = (letter: string, n: number) => `S${letter}${String(Number(suffix.slice(0, 4)) * 10 + n).padStart(5, "0")}`;
const csv = (...lines: string[]) => `device_id,name,device_type,farm_code,tags\n${lines.join("\n")}\n`;

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: farmCode, name: "Staging farm" } })).id;
  await db.deviceTag.create({ data: { name: tagName } });
  admin = await createTestPerson(db, "admin", null, `staging-${suffix}@import.test`, "Staging admin");
});

afterAll(async () => {
  const devices = await db.device.findMany({ where: { farmId }, select: { deviceId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: devices.map((device) => device.deviceId) } } });
  const batches = await db.importBatch.findMany({ where: { createdById: admin.id }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "import_batch", entityId: { in: batches.map((batch) => String(batch.id)) } } });
  await db.importBatch.deleteMany({ where: { createdById: admin.id } });
  await db.device.deleteMany({ where: { farmId } });
  await db.deviceTag.deleteMany({ where: { name: tagName } });
  await db.user.deleteMany({ where: { id: admin.id } });
  await db.farm.deleteMany({ where: { id: farmId } });
  await disconnectDb();
});

describe("the staged import", () => {
  it("keeps two imports at the same moment apart: each counts only its own file's rows and duplicates", async () => {
    const lines = (letter: string, count: number) => Array.from({ length: count }, (_, n) => `${id(letter, n)},Device ${n},collar,${farmCode},`);
    const options = { fileName: "parallel.csv", mode: "create" as const, skipErrors: false };
    const [first, second] = await Promise.all([
      previewImport(db, admin, csv(...lines("A", 300), `${id("A", 7)},Again,collar,${farmCode},`), options),
      previewImport(db, admin, csv(...lines("A", 5), ...lines("B", 200)), options),
    ]);
    expect(first).toMatchObject({ totalRows: 301, toCreate: 300, rejected: 1, errors: [{ row: 302, column: "device_id", message: `${id("A", 7)} appears twice in the file (first on row 9)` }] });
    expect(second).toMatchObject({ totalRows: 205, toCreate: 205, rejected: 0 });
  });

  it("tags and records only the devices it wrote when another writer took an id meanwhile", async () => {
    const [taken, free] = [id("C", 1), id("C", 2)];
    let importing: ReturnType<typeof runImport> | undefined;
    await db.$transaction(
      async (tx) => {
        await tx.device.create({ data: { deviceId: taken, name: "Other import", deviceType: "collar", farmId } });
        importing = runImport(db, admin, csv(`${free},Free,collar,${farmCode},${tagName}`, `${taken},Taken,collar,${farmCode},${tagName}`), { fileName: "race.csv", mode: "create", skipErrors: true });
        for (let tries = 0; tries < 200; tries++) {
          const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO devices%'`;
          if (row && row.count > 0n) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      { timeout: 25_000 },
    );
    const result = await importing!;
    expect(result).toMatchObject({ state: "done", created: 1, rejected: 1, errors: [{ row: 3, column: "device_id", message: expect.stringContaining(`${taken} was registered meanwhile`) }] });
    const tagged = await db.device.findMany({ where: { deviceId: { in: [taken, free] }, tags: { some: { tag: { name: tagName } } } }, select: { deviceId: true } });
    expect(tagged).toEqual([{ deviceId: free }]);
    const history = await db.auditEvent.findMany({ where: { entityType: "device", entityId: { in: [taken, free] }, action: "imported" }, select: { entityId: true, after: true } });
    expect(history).toEqual([{ entityId: free, after: expect.objectContaining({ batchId: result.batchId, name: "Free", tags: [tagName] }) }]);
  });
});
