/**
 * The day partitions of `telemetry_samples` (PostgreSQL declarative partitioning, RANGE on `ts`,
 * one partition per UTC day named telemetry_samples_pYYYYMMDD, plus telemetry_samples_default; why
 * `ts`: prisma/migrations/20261204100000_telemetry_partitions). The partition job creates days
 * ahead and every day a downtime skipped; retention drops whole days (DETACH, then DROP: no
 * row-by-row delete, no dead rows, no vacuum debt).
 *
 * Each change is one multi-statement query without parameters: PostgreSQL runs such a query as one
 * implicit transaction (all or nothing, and a failure leaves the connection clean for the pool),
 * so these functions need only `Sql`, not a dedicated connection. The statements interpolate only
 * day strings this module formats and checks itself.
 */
import type { Sql } from "./sql";

export const PARENT = "telemetry_samples";
export const DEFAULT_PARTITION = "telemetry_samples_default";
export const DEFAULT_DAYS_AHEAD = 7;
/** Two workers starting together must not both create the same day. */
const PARTITION_LOCK = "hashtext('telemetry_samples partitions')";
/** DETACH and ATTACH wait for running queries on the table; a long report must not make ingest queue behind them. */
const LOCK_TIMEOUT = "5s";

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^telemetry_samples_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day of a moment, "YYYY-MM-DD". */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${checkedDay(day)}T00:00:00Z`) + days * DAY_MS));
}

export function partitionName(day: string): string {
  return `telemetry_samples_p${checkedDay(day).replaceAll("-", "")}`;
}

function checkedDay(day: string): string {
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new Error(`not a day: ${day}`);
  return day;
}

/** The range bounds of a day's partition, as SQL literals. */
function bounds(day: string): { from: string; to: string } {
  return { from: `'${checkedDay(day)} 00:00:00+00'`, to: `'${addDays(day, 1)} 00:00:00+00'` };
}

/**
 * Whether telemetry_samples is natively partitioned. A table handed to TimescaleDB (README:
 * "Telemetry partitions") is not: its chunks and retention are then TimescaleDB's, and both jobs
 * leave it alone.
 */
export async function isNativelyPartitioned(sql: Sql): Promise<boolean> {
  const { rows } = await sql.query<{ kind: string }>(`SELECT relkind::text AS kind FROM pg_class WHERE oid = to_regclass($1)`, [PARENT]);
  return rows[0]?.kind === "p";
}

/** The days that have their own partition, oldest first. */
export async function dayPartitions(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [PARENT],
  );
  return rows
    .map((row) => NAME.exec(row.name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => `${match[1]}-${match[2]}-${match[3]}`)
    .sort();
}

/**
 * Creates one day's partition. Rows the DEFAULT partition holds for that day are moved into it
 * first (PostgreSQL refuses to attach a range the default partition has rows for): the new table
 * is created standalone, the rows move, then it is attached, all in one transaction. Returns the
 * number of rows moved; a day that already exists is left alone (0).
 */
export async function createDayPartition(sql: Sql, day: string): Promise<number> {
  const name = partitionName(day);
  const { from, to } = bounds(day);
  const results = (await sql.query(
    `SELECT pg_advisory_xact_lock(${PARTITION_LOCK});
     SELECT set_config('lock_timeout', '${LOCK_TIMEOUT}', true);
     CREATE TABLE IF NOT EXISTS ${name} (LIKE ${PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
     WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE ts >= ${from} AND ts < ${to} RETURNING *)
     INSERT INTO ${name} SELECT * FROM moved;
     DO $attach$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = '${name}'::regclass) THEN
         ALTER TABLE ${PARENT} ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to});
       END IF;
     END $attach$;`,
  )) as unknown as { rowCount: number | null }[];
  // 0 lock, 1 lock_timeout, 2 create, 3 move, 4 attach
  return results[3]?.rowCount ?? 0;
}

export type EnsureResult = { created: string[]; moved: number };

/**
 * Makes sure a partition exists for every day from today to `daysAhead` days ahead, for every day
 * since the oldest partition that a downtime skipped, and for every day the DEFAULT partition holds
 * rows of (their rows move in). Days older than retention get none: retention would drop them.
 */
export async function ensureTelemetryPartitions(
  sql: Sql,
  options: { now: Date; retentionDays: number; daysAhead?: number },
): Promise<EnsureResult> {
  if (!(await isNativelyPartitioned(sql))) return { created: [], moved: 0 };
  const today = utcDay(options.now);
  const oldestKept = utcDay(new Date(options.now.getTime() - options.retentionDays * DAY_MS));
  const existing = await dayPartitions(sql);
  const { rows: stray } = await sql.query<{ day: string }>(
    `SELECT DISTINCT to_char((ts AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day FROM ${DEFAULT_PARTITION}
      WHERE ts >= $1::timestamptz`,
    [`${oldestKept}T00:00:00Z`],
  );

  const wanted = new Set(stray.map((row) => row.day));
  const first = [existing[0] ?? today, oldestKept].sort()[1]!;
  const last = addDays(today, options.daysAhead ?? DEFAULT_DAYS_AHEAD);
  for (let day = first < today ? first : today; day <= last; day = addDays(day, 1)) wanted.add(day);
  const have = new Set(existing);

  const result: EnsureResult = { created: [], moved: 0 };
  for (const day of [...wanted].sort()) {
    if (have.has(day)) continue;
    result.moved += await createDayPartition(sql, day);
    result.created.push(day);
  }
  return result;
}

/**
 * Detaches a day's partition, then drops it: two transactions. The DETACH is the only step that
 * locks telemetry_samples itself (ACCESS EXCLUSIVE, milliseconds: only the catalog changes). The
 * DROP frees the day's files, which the file system does in time proportional to their size (a
 * second for 700 MB on a slow disk); in its own transaction that holds a lock only on the detached
 * table nobody reads, so ingest and charts never wait for it. A run interrupted in between leaves a
 * detached day that the next run drops (`leftoverDays`). Returns the milliseconds of the DETACH.
 */
export async function dropDayPartition(sql: Sql, day: string): Promise<number> {
  const name = partitionName(day);
  const started = performance.now();
  await sql.query(
    `SELECT pg_advisory_xact_lock(${PARTITION_LOCK});
     SELECT set_config('lock_timeout', '${LOCK_TIMEOUT}', true);
     ALTER TABLE ${PARENT} DETACH PARTITION ${name};`,
  );
  const detachMs = performance.now() - started;
  await sql.query(`DROP TABLE IF EXISTS ${name}`);
  return detachMs;
}

/** Day tables detached but not dropped (a retention run interrupted between the two), oldest first. */
export async function leftoverDays(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relname ~ '^telemetry_samples_p[0-9]{8}$'
        AND c.relnamespace = (SELECT p.relnamespace FROM pg_class p WHERE p.oid = to_regclass($1))`,
    [PARENT],
  );
  return rows.map((row) => NAME.exec(row.name)).filter((match): match is RegExpExecArray => match !== null).map((match) => `${match[1]}-${match[2]}-${match[3]}`).sort();
}

export type DropResult = { dropped: string[]; defaultRowsDeleted: number; detachMs: number };

/**
 * Retention: drops every day partition whose whole day is older than `olderThan`, then deletes the
 * DEFAULT partition's rows older than it (rare: rows of a day that never got its partition).
 */
export async function dropOldTelemetry(sql: Sql, olderThan: Date): Promise<DropResult> {
  const result: DropResult = { dropped: [], defaultRowsDeleted: 0, detachMs: 0 };
  if (!(await isNativelyPartitioned(sql))) return result;
  const old = (day: string) => Date.parse(`${addDays(day, 1)}T00:00:00Z`) <= olderThan.getTime();
  for (const day of (await leftoverDays(sql)).filter(old)) await sql.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
  for (const day of await dayPartitions(sql)) {
    if (!old(day)) break;
    result.detachMs += await dropDayPartition(sql, day);
    result.dropped.push(day);
  }
  const deleted = await sql.query(`DELETE FROM ${DEFAULT_PARTITION} WHERE ts < $1::timestamptz`, [olderThan.toISOString()]);
  result.defaultRowsDeleted = deleted.rowCount ?? 0;
  return result;
}
