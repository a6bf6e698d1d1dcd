/**
 * The migration that partitions telemetry_samples (prisma/migrations/20261204100000_telemetry_partitions),
 * on a real PostgreSQL: it keeps every existing sample and the id sequence, and a second run of
 * its SQL changes nothing. The conversion runs in a scratch schema holding the table as the init
 * migration created it, filled with samples; the second run also against the migrated database
 * itself, with samples in it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";

const MIGRATION = readFileSync(path.resolve("prisma/migrations/20261204100000_telemetry_partitions/migration.sql"), "utf8");
const schema = `partition_migration_${Math.floor(Math.random() * 1_000_000)}`;
let client: pg.Client;

/** Everything a run could change: every row (in order of id), where it is stored, the partitions, the sequence. */
async function snapshot() {
  const { rows: [data] } = await client.query<{ n: string; digest: string }>(
    `SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS digest FROM telemetry_samples t`,
  );
  const { rows: placed } = await client.query<{ part: string; n: string }>(
    `SELECT tableoid::regclass::text AS part, count(*)::text AS n FROM telemetry_samples GROUP BY 1 ORDER BY 1`,
  );
  const { rows: parts } = await client.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'telemetry_samples'::regclass ORDER BY 1`,
  );
  const { rows: [sequence] } = await client.query<{ last_value: string }>(`SELECT last_value::text FROM telemetry_samples_id_seq`);
  return { data, placed, parts, sequence };
}

beforeAll(async () => {
  client = new pg.Client({ connectionString: resolveDatabaseUrl() });
  await client.connect();
});

afterAll(async () => {
  await client.query(`RESET search_path`);
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe("the telemetry partitioning migration", () => {
  it("converts a table holding samples without losing one, keeps the id sequence, and a second run changes nothing", async () => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    // The shape of 20261123094231_init (only what the migration relies on of devices).
    await client.query(`
      CREATE TABLE devices (id SERIAL PRIMARY KEY);
      CREATE TABLE telemetry_samples (
        id BIGSERIAL NOT NULL, device_id INTEGER NOT NULL, ts TIMESTAMPTZ(3) NOT NULL,
        received_at TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, battery_level DOUBLE PRECISION,
        battery_voltage DOUBLE PRECISION, signal_strength INTEGER, error_count INTEGER, health_score DOUBLE PRECISION,
        cpu_percent DOUBLE PRECISION, memory_percent DOUBLE PRECISION, readings JSONB,
        CONSTRAINT telemetry_samples_pkey PRIMARY KEY (id));
      CREATE INDEX telemetry_samples_device_id_ts_idx ON telemetry_samples (device_id, ts DESC);
      CREATE INDEX telemetry_samples_received_at_idx ON telemetry_samples (received_at);
      ALTER TABLE telemetry_samples ADD CONSTRAINT telemetry_samples_device_id_fkey FOREIGN KEY (device_id)
        REFERENCES devices (id) ON DELETE CASCADE ON UPDATE CASCADE;
      INSERT INTO devices SELECT generate_series(1, 3);
      -- 3 days of samples 10 days ago, one from a clock far in the past, and today's.
      INSERT INTO telemetry_samples (device_id, ts, received_at, battery_level, signal_strength, error_count, readings)
      SELECT 1 + g % 3, now() - interval '10 days' + g * interval '1 minute', now() - interval '10 days' + g * interval '1 minute',
             g % 100, -50 - g % 40, g % 7, jsonb_build_object('seq', g)
        FROM generate_series(1, 3 * 1440) AS g;
      INSERT INTO telemetry_samples (device_id, ts, battery_level) VALUES (2, '2019-06-01T12:00:00Z', 12), (3, now(), 77);
      -- Deleted samples left a gap: ids continue after the highest one ever given.
      DELETE FROM telemetry_samples WHERE id IN (SELECT max(id) FROM telemetry_samples);
      INSERT INTO telemetry_samples (device_id, ts, battery_level) VALUES (3, now(), 78);`);
    const { rows: [old] } = await client.query<{ n: string; digest: string }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS digest FROM telemetry_samples t`,
    );
    const { rows: [oldSequence] } = await client.query<{ last_value: string }>(`SELECT last_value::text FROM telemetry_samples_id_seq`);
    expect(old!.n).toBe(String(3 * 1440 + 2));

    await client.query(MIGRATION);
    const first = await snapshot();
    const { rows: [kind] } = await client.query(`SELECT relkind, pg_get_partkeydef(oid) AS key FROM pg_class WHERE oid = 'telemetry_samples'::regclass`);
    expect(kind).toEqual({ relkind: "p", key: "RANGE (ts)" });
    // Every row, byte for byte (the row text lists every column), and none in the default partition.
    expect(first.data).toEqual(old);
    expect(first.placed.map((row) => row.part)).not.toContain("telemetry_samples_default");
    expect(first.placed.find((row) => row.part === "telemetry_samples_p20190601")).toEqual({ part: "telemetry_samples_p20190601", n: "1" });
    expect(first.parts.map((part) => part.name)).toContain("telemetry_samples_default");
    // The days of the data (10 days ago, 3 days long: 4 UTC days at most) and today plus 7.
    expect(first.parts.length).toBeGreaterThanOrEqual(1 + 1 + 3 + 8);
    expect(first.sequence).toEqual(oldSequence);
    // The primary key includes the partition key; the indexes and the foreign key are there.
    const { rows: constraints } = await client.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'telemetry_samples'::regclass ORDER BY 1`,
    );
    expect(constraints.map((row) => row.def)).toEqual([
      "FOREIGN KEY (device_id) REFERENCES devices(id) ON UPDATE CASCADE ON DELETE CASCADE",
      "PRIMARY KEY (id, ts)",
    ]);
    const { rows: indexes } = await client.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = 'telemetry_samples' ORDER BY 1`, [schema]);
    expect(indexes.map((row) => row.name)).toEqual(["telemetry_samples_device_id_ts_idx", "telemetry_samples_pkey", "telemetry_samples_received_at_idx"]);
    // The old table is gone; a new sample continues the ids.
    expect((await client.query(`SELECT to_regclass('telemetry_samples_unpartitioned') AS old`)).rows).toEqual([{ old: null }]);
    const { rows: [next] } = await client.query<{ id: string }>(`INSERT INTO telemetry_samples (device_id, ts) VALUES (1, now()) RETURNING id::text`);
    expect(next!.id).toBe(String(Number(oldSequence!.last_value) + 1));

    // Second run: nothing changes.
    const before = await snapshot();
    await client.query(MIGRATION);
    expect(await snapshot()).toEqual(before);
  });

  it("a second run against the migrated database holding samples changes nothing", async () => {
    await client.query(`RESET search_path`);
    const db = getDb();
    const farm = await db.farm.create({ data: { code: `M${schema.slice(-6)}`, name: "Migration farm" } });
    const device = await db.device.create({ data: { deviceId: `MG${schema.slice(-6)}`, name: "migrated", deviceType: "milk_meter", state: "active", farmId: farm.id } });
    // Two days of hourly samples and one far in the past (the default partition's kind of row).
    await client.query(
      `INSERT INTO telemetry_samples (device_id, ts, battery_level)
       SELECT $1::int, now() - g * interval '1 hour', 50 FROM generate_series(0, 47) g
       UNION ALL SELECT $1::int, '2003-02-01T00:00:00Z', 9`,
      [device.id],
    );
    try {
      const before = await snapshot();
      await client.query(MIGRATION);
      expect(await snapshot()).toEqual(before);
      expect(await db.telemetrySample.count({ where: { deviceId: device.id } })).toBe(49);
    } finally {
      await db.device.delete({ where: { id: device.id } });
      await db.farm.delete({ where: { id: farm.id } });
      await disconnectDb();
    }
  });
});
