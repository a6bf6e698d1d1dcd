/**
 * The command engine against PostgreSQL alone (publishing captured): rounds, the rate bound, one
 * tick at a time across engines, and a failed publish leaving commands queued.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { createSqlPool } from "../telemetry/sql";
import { createTestFleet } from "../../workers/test-fleet";
import { CommandEngine, type CommandMessage } from "./command-engine";

const db = getDb();
const pool = createSqlPool(resolveDatabaseUrl());
let fleet: Awaited<ReturnType<typeof createTestFleet>>;

beforeAll(async () => {
  fleet = await createTestFleet(db, 4);
  await db.device.updateMany({ where: { farmId: fleet.farmId }, data: { connectionStatus: "online" } });
});

afterAll(async () => {
  await fleet?.remove();
  await pool.end();
  await disconnectDb();
});

async function queueMany(count: number) {
  const commandIds = Array.from({ length: count }, () => randomUUID());
  await db.command.createMany({
    data: commandIds.map((commandId, i) => ({ commandId, deviceId: fleet.devices[i % fleet.devices.length]!.id, farmId: fleet.farmId, commandType: "ping", parameters: { count: 1 } })),
  });
  return commandIds;
}

describe("command engine rounds", () => {
  it("sends every queued command once over several pipelined rounds, within the rate", async () => {
    const ids = await queueMany(9);
    const published: CommandMessage[] = [];
    const engine = new CommandEngine(pool, { publicUrl: "https://x.example", publish: async (messages) => void published.push(...messages), chunk: 2, maxPerSecond: 5, log: () => undefined });
    const first = await engine.tick();
    // A second's worth (5), plus the little that refilled while the tick ran.
    expect(first.ran).toBe(true);
    expect(first.sent).toBeGreaterThanOrEqual(5);
    expect(first.sent).toBeLessThan(9);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = await engine.tick();
    expect(first.sent + second.sent).toBe(9);
    expect(published.map((m) => m.payload.command_id).sort()).toEqual([...ids].sort());
    expect(await db.command.count({ where: { commandId: { in: ids }, status: "sent", sentAt: { not: null } } })).toBe(9);
  });

  it("leaves a round queued when publishing fails, and sends it on the next tick", async () => {
    const ids = await queueMany(3);
    let fail = true;
    const published: string[] = [];
    const engine = new CommandEngine(pool, {
      publicUrl: "https://x.example",
      publish: async (messages) => {
        if (fail) throw new Error("broker gone");
        published.push(...messages.map((m) => m.payload.command_id));
      },
      log: () => undefined,
    });
    await expect(engine.tick()).rejects.toThrow("broker gone");
    expect(await db.command.count({ where: { commandId: { in: ids }, status: "queued", sentAt: null } })).toBe(3);
    fail = false;
    expect((await engine.tick()).sent).toBe(3);
    expect(published.sort()).toEqual([...ids].sort());
  });

  it("runs one tick at a time across engines", async () => {
    await queueMany(2);
    let release: () => void = () => undefined;
    const slow = new CommandEngine(pool, { publicUrl: "https://x.example", publish: () => new Promise<void>((resolve) => (release = resolve)), log: () => undefined });
    const other = new CommandEngine(pool, { publicUrl: "https://x.example", publish: async () => undefined, log: () => undefined });
    const running = slow.tick();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await other.tick()).ran).toBe(false);
    release();
    expect((await running).sent).toBe(2);
  });
});
