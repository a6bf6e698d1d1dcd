/**
 * Retention's drop of one day of telemetry (issue 20's target: ≤ 1 s for a day's partition).
 * Fills one old day's partition with `rowsPerDay` samples (generate_series into a standalone table,
 * attached afterwards so its indexes are built in bulk, as full as a live day would be), then
 * times the retention job's own call (`dropOldTelemetry`, lib/telemetry/partitions.ts) that drops
 * it: DETACH and DROP, whatever the row count.
 *
 *   DATABASE_URL=postgresql://… npx tsx scripts/history/partition-drop.ts [--rows 5000000]
 *
 * The day is the one before the oldest partition, so nothing else is dropped with it; the
 * benchmark's farm and device are removed afterwards.
 */
import { pathToFileURL } from "node:url";
import pg from "pg";
import { resolveDatabaseUrl } from "../../lib/config/database-url";
import { addDays, dayPartitions, dropOldTelemetry, partitionName, PARENT, utcDay } from "../../lib/telemetry/partitions";

/**
 * `dropMs`: the retention call, start to end (DETACH, DROP, the default partition's old rows).
 * `detachMs`: the part of it that locks telemetry_samples (what ingest and charts could wait for).
 */
export async function measurePartitionDrop(pool: pg.Pool, opts: { rowsPerDay: number }): Promise<{ rows: number; dropMs: number; detachMs: number }> {
  const rowsPerDay = Math.max(1, Math.floor(opts.rowsPerDay));
  const oldest = (await dayPartitions(pool))[0] ?? utcDay(new Date());
  const day = addDays([oldest, utcDay(new Date())].sort()[0]!, -1);
  const name = partitionName(day);
  const code = `PDROP${process.pid}`.slice(0, 20);
  const { rows: [farm] } = await pool.query<{ id: number }>(`INSERT INTO farms (code, name) VALUES ($1, 'partition-drop benchmark') RETURNING id`, [code]);
  try {
    const { rows: [device] } = await pool.query<{ id: number }>(
      `INSERT INTO devices (device_id, name, device_type, farm_id, updated_at) VALUES ($1, $1, 'milk_meter', $2, now()) RETURNING id`,
      [code, farm!.id],
    );
    const client = await pool.connect();
    try {
      // Filling is set-up, not the figure: no need to wait for each commit's flush.
      await client.query(`SET synchronous_commit = off`);
      await client.query(`CREATE TABLE ${name} (LIKE ${PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await client.query(
        `INSERT INTO ${name} (device_id, ts, received_at, battery_level, signal_strength, error_count, health_score)
         SELECT $1, t, t + interval '150 ms', 100 - g % 60, -50 - g % 40, g % 7, 80 + g % 20
           FROM generate_series(0, $2::int - 1) AS g,
                LATERAL (SELECT $3::timestamptz + g * (interval '1 day' / $2::int) AS t) AS at`,
        [device!.id, rowsPerDay, `${day}T00:00:00Z`],
      );
      await client.query(`ALTER TABLE ${PARENT} ATTACH PARTITION ${name} FOR VALUES FROM ('${day} 00:00:00+00') TO ('${addDays(day, 1)} 00:00:00+00')`);
      await client.query(`CHECKPOINT`).catch(() => undefined); // the fill's dirty pages are not the drop's cost
    } finally {
      client.release();
    }
    const { rows: [count] } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${name}`);

    const started = performance.now();
    const { dropped, detachMs } = await dropOldTelemetry(pool, new Date(`${addDays(day, 1)}T00:00:00Z`));
    const dropMs = performance.now() - started;
    if (!dropped.includes(day)) throw new Error(`retention did not drop ${name}`);
    return { rows: Number(count!.n), dropMs, detachMs };
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${name}`);
    await pool.query(`DELETE FROM devices WHERE farm_id = $1`, [farm!.id]);
    await pool.query(`DELETE FROM farms WHERE id = $1`, [farm!.id]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--rows");
  const rowsPerDay = at >= 0 ? Number(process.argv[at + 1]) : 5_000_000;
  const pool = new pg.Pool({ connectionString: resolveDatabaseUrl(), max: 2 });
  const filling = Date.now();
  measurePartitionDrop(pool, { rowsPerDay })
    .then(({ rows, dropMs, detachMs }) => {
      console.log(
        `partition drop: a day of ${rows.toLocaleString("en")} samples dropped by retention in ${dropMs.toFixed(0)} ms ` +
          `(target ≤ 1,000 ms), of which DETACH (the only lock on telemetry_samples) ${detachMs.toFixed(0)} ms; ` +
          `fill and drop took ${((Date.now() - filling) / 1000).toFixed(0)} s`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => pool.end());
}
