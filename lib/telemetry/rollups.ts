/**
 * 5-minute and hourly rollups of telemetry_samples per device (issue 20): for each charted field its
 * min, max, sum and count (so an average over any set of buckets is sum / count, exactly), and the
 * newest sample's value with that sample's time. Charts and reports of long ranges read these
 * instead of raw samples (lib/telemetry/resolution.ts picks which).
 *
 * Kept incrementally: each step takes the samples *received* since a stored watermark, aggregates
 * them into 5-minute buckets by the sample's own time, merges those into telemetry_rollup_5m, the
 * same aggregates (merged again) into telemetry_rollup_1h, and moves the watermark on — all in one
 * transaction, so a step either counts its samples once everywhere or not at all.
 *
 * Why received_at for the watermark but ts for the buckets: the charts place and filter samples by
 * the device's time (ts), so the rollups must bucket by it too, or a chart would shift when it
 * switches resolution. But ts says nothing about when a row became visible (a device flushing an
 * hour of buffered readings stores old ts values now), so "what is new since last time" can only be
 * told by our receive time, which the received_at index answers. A late sample with an old ts simply
 * merges into its old bucket.
 */
import pg from "pg";
import { ROLLUP_TABLES, WATERMARK_NAME, type RollupResolution } from "./rollup-tables";
import { inTransaction, type Sql, type SqlPool } from "./sql";

/** The charted fields: the rollup column prefix and the telemetry_samples column. */
export const ROLLUP_FIELDS = [
  ["battery", "battery_level"],
  ["signal", "signal_strength"],
  ["errors", "error_count"],
  ["score", "health_score"],
  ["cpu", "cpu_percent"],
  ["memory", "memory_percent"],
] as const;

export type RollupField = (typeof ROLLUP_FIELDS)[number][0];

export { ROLLUP_BUCKET_MS, ROLLUP_TABLES, WATERMARK_NAME, type RollupResolution } from "./rollup-tables";

/**
 * How far behind now() the watermark stays. received_at is the worker's receive time, written when
 * the window holding the sample commits — a moment later (the flush interval, the transaction's own
 * time; longer while the database is slow). A row with received_at = t may therefore become visible
 * after another with a later received_at: had the watermark already passed t, that row would never
 * be counted. Reading only up to now() − lag leaves every transaction that long to commit. Two
 * minutes covers the worker's windows (flushed within seconds) many times over; the cost is that
 * rollups trail raw samples by up to lag + the job's minute, which is why short ranges read raw.
 */
export const DEFAULT_ROLLUP_LAG_MS = 120_000;
/** Samples per step at most: a step is one transaction; after downtime the job catches up in many. */
export const DEFAULT_ROLLUP_CHUNK_ROWS = 50_000;

/** Runs `work` in one transaction (the caller's way: a pg pool, a Prisma interactive transaction…). */
export type Transaction = <T>(work: (sql: Sql) => Promise<T>) => Promise<T>;

/** A pg pool's transactions; a single connection (pg.Client) runs BEGIN/COMMIT itself. */
export function transactionsOf(sql: Sql): Transaction {
  if (sql instanceof pg.Pool) return (work) => inTransaction(sql as unknown as SqlPool, work);
  return async (work) => {
    await sql.query("BEGIN");
    try {
      const result = await work(sql);
      await sql.query("COMMIT");
      return result;
    } catch (error) {
      await sql.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  };
}

const fieldColumns = (prefix: string) => [`${prefix}_min`, `${prefix}_max`, `${prefix}_sum`, `${prefix}_count`, `${prefix}_last`];
export const ROLLUP_COLUMNS = ["device_id", "bucket", "samples", "first_ts", "last_ts", ...ROLLUP_FIELDS.flatMap(([prefix]) => fieldColumns(prefix))];

/** The aggregates of raw samples (`src`: device_id, ts and the sample columns) by `bucket` (an SQL interval). */
function aggregateRaw(src: string, interval: string): string {
  const fields = ROLLUP_FIELDS.map(
    ([p, c]) =>
      `min(${c})::float8 AS ${p}_min, max(${c})::float8 AS ${p}_max, COALESCE(sum(${c}), 0)::float8 AS ${p}_sum, count(${c})::int AS ${p}_count,
       (array_agg(${c} ORDER BY ts DESC, id DESC))[1]::float8 AS ${p}_last`,
  ).join(",\n       ");
  return `SELECT device_id, date_bin(interval '${interval}', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
       count(*)::int AS samples, min(ts) AS first_ts, max(ts) AS last_ts,
       ${fields}
  FROM ${src}
 GROUP BY 1, 2`;
}

/** Aggregates of aggregates (`src` has the rollup columns) into coarser buckets: the merge algebra in SQL. */
function aggregateRollups(src: string, interval: string): string {
  const fields = ROLLUP_FIELDS.map(
    ([p]) =>
      `min(${p}_min) AS ${p}_min, max(${p}_max) AS ${p}_max, sum(${p}_sum)::float8 AS ${p}_sum, sum(${p}_count)::int AS ${p}_count,
       (array_agg(${p}_last ORDER BY last_ts DESC))[1] AS ${p}_last`,
  ).join(",\n       ");
  return `SELECT device_id, date_bin(interval '${interval}', bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
       sum(samples)::int AS samples, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
       ${fields}
  FROM ${src}
 GROUP BY 1, 2`;
}

/** INSERT … ON CONFLICT that merges new aggregates into stored ones (min of mins, sums added, newest last). */
function mergeInto(table: string, select: string): string {
  const fields = ROLLUP_FIELDS.map(
    ([p]) =>
      `${p}_min = LEAST(r.${p}_min, EXCLUDED.${p}_min), ${p}_max = GREATEST(r.${p}_max, EXCLUDED.${p}_max),
       ${p}_sum = r.${p}_sum + EXCLUDED.${p}_sum, ${p}_count = r.${p}_count + EXCLUDED.${p}_count,
       ${p}_last = CASE WHEN EXCLUDED.last_ts >= r.last_ts THEN EXCLUDED.${p}_last ELSE r.${p}_last END`,
  ).join(",\n       ");
  return `INSERT INTO ${table} AS r (${ROLLUP_COLUMNS.join(", ")})
${select}
ON CONFLICT (device_id, bucket) DO UPDATE SET
       samples = r.samples + EXCLUDED.samples,
       first_ts = LEAST(r.first_ts, EXCLUDED.first_ts),
       last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts),
       ${fields}`;
}

/**
 * One statement that aggregates the samples `source` selects (a query over telemetry_samples, or a
 * data-modifying CTE's rows) into 5-minute buckets, merges them into telemetry_rollup_5m and the
 * same aggregates, by hour, into telemetry_rollup_1h. Answers the buckets touched and the samples.
 */
export function mergeSamplesSql(source: string): string {
  return `WITH src AS (${source}),
  agg5 AS (${aggregateRaw("src", "5 minutes")}),
  merged5 AS (${mergeInto(ROLLUP_TABLES["5m"], "SELECT * FROM agg5")} RETURNING 1),
  merged1 AS (${mergeInto(ROLLUP_TABLES["1h"], aggregateRollups("agg5", "1 hour"))} RETURNING 1)
SELECT (SELECT count(*) FROM merged5)::int AS buckets5, (SELECT count(*) FROM merged1)::int AS buckets1, (SELECT count(*) FROM src)::int AS samples`;
}

/** What mergeSamplesSql's source must select of telemetry_samples. */
export const ROLLUP_SAMPLE_COLUMNS = `id, device_id, ts, ${ROLLUP_FIELDS.map(([, c]) => c).join(", ")}`;

export type RollupStep = { from: Date; to: Date; samples: number; buckets5: number; buckets1: number };

export type RollupOptions = {
  now?: Date;
  lagMs?: number;
  chunkRows?: number;
  /** Steps per call at most (the job's next run goes on); default: until caught up. */
  maxSteps?: number;
  /** Called inside a step's transaction after the merge, before the watermark moves (tests inject faults here). */
  afterMerge?: (sql: Sql) => Promise<void>;
};

/**
 * One step: locks the watermark row (two workers running the job take turns), picks the end of a
 * chunk of at most `chunkRows` samples received since it and before now − lag, merges them, moves
 * the watermark to that end. Answers null when there is nothing to do.
 */
export async function rollUpStep(sql: Sql, options: RollupOptions = {}): Promise<RollupStep | null> {
  const now = options.now ?? new Date();
  const upTo = new Date(now.getTime() - (options.lagMs ?? DEFAULT_ROLLUP_LAG_MS));
  const chunk = options.chunkRows ?? DEFAULT_ROLLUP_CHUNK_ROWS;
  // The first run of a fresh database (the migration inserted the row where one existed before).
  await sql.query(
    `INSERT INTO telemetry_rollup_watermarks (name, watermark)
     SELECT $1, COALESCE((SELECT min(received_at) FROM telemetry_samples), $2::timestamptz)
     ON CONFLICT (name) DO NOTHING`,
    [WATERMARK_NAME, upTo.toISOString()],
  );
  const { rows: [mark] } = await sql.query<{ watermark: Date }>(`SELECT watermark FROM telemetry_rollup_watermarks WHERE name = $1 FOR UPDATE`, [WATERMARK_NAME]);
  const from = mark!.watermark;
  if (from >= upTo) return null;
  // The chunk ends at the received_at of the (chunk+1)-th sample (exclusive), so it holds at most
  // `chunk` samples; should more than that share the watermark's very millisecond (a bulk insert),
  // it takes that millisecond whole (received_at keeps milliseconds), or the job could never move on.
  const { rows: [next] } = await sql.query<{ received_at: Date }>(
    `SELECT received_at FROM telemetry_samples WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at OFFSET $3 LIMIT 1`,
    [from.toISOString(), upTo.toISOString(), chunk],
  );
  const to = !next ? upTo : next.received_at.getTime() > from.getTime() ? next.received_at : new Date(from.getTime() + 1);
  const { rows: [merged] } = await sql.query<{ buckets5: number; buckets1: number; samples: number }>(
    mergeSamplesSql(`SELECT ${ROLLUP_SAMPLE_COLUMNS} FROM telemetry_samples WHERE received_at >= $1 AND received_at < $2`),
    [from.toISOString(), to.toISOString()],
  );
  await options.afterMerge?.(sql);
  await sql.query(`UPDATE telemetry_rollup_watermarks SET watermark = $2, updated_at = now() WHERE name = $1`, [WATERMARK_NAME, to.toISOString()]);
  return { from, to, samples: merged!.samples, buckets5: merged!.buckets5, buckets1: merged!.buckets1 };
}

export type RollupRun = { steps: number; samples: number; watermark: Date | null; caughtUp: boolean };

/** Steps until the watermark reaches now − lag (or `maxSteps`), each its own transaction. */
export async function rollUpTelemetry(transaction: Transaction, runOptions: RollupOptions = {}): Promise<RollupRun> {
  // One "now" for the whole run: a target that kept moving would never be reached.
  const options = { ...runOptions, now: runOptions.now ?? new Date() };
  let steps = 0;
  let samples = 0;
  let watermark: Date | null = null;
  for (;;) {
    if (options.maxSteps !== undefined && steps >= options.maxSteps) return { steps, samples, watermark, caughtUp: false };
    const step = await transaction((sql) => rollUpStep(sql, options));
    if (!step) return { steps, samples, watermark, caughtUp: true };
    steps += 1;
    samples += step.samples;
    watermark = step.to;
  }
}

/** Deletes rollup rows whose bucket is older than `olderThan`, in chunks (each its own statement). */
export async function deleteOldRollups(sql: Sql, resolution: RollupResolution, olderThan: Date, chunk = 10_000): Promise<number> {
  const table = ROLLUP_TABLES[resolution];
  let deleted = 0;
  for (;;) {
    const result = await sql.query(
      `DELETE FROM ${table} WHERE (device_id, bucket) IN (SELECT device_id, bucket FROM ${table} WHERE bucket < $1::timestamptz LIMIT $2)`,
      [olderThan.toISOString(), chunk],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < chunk) return deleted;
  }
}
