/**
 * What the worker's timed engines (lib/ota/ota-engine.ts, lib/commands/command-engine.ts) share:
 * one tick at a time across every worker process (a PostgreSQL advisory lock per engine), a
 * transaction on the tick's own connection, and what "a device that can be sent to now" means.
 */
import type { Sql, SqlPool } from "../telemetry/sql";

/**
 * Connection statuses of a device that is there to take a message: one sent to a device that is
 * away is lost with its session (or lands hours later on a device that has moved on).
 */
export const REACHABLE_SQL = `('online', 'degraded')`;

/**
 * Runs `work` on one pooled connection holding the advisory lock `lockKey`; returns
 * `{ ran: false }` at once when another worker holds it (that worker's tick does the work).
 */
export async function runExclusively<T>(pool: SqlPool, lockKey: number, work: (sql: Sql) => Promise<T>): Promise<{ ran: false } | { ran: true; value: T }> {
  const client = await pool.connect();
  const ignoreDrop = () => undefined;
  client.on("error", ignoreDrop);
  // A session lock outlives the tick if unlocking fails: such a connection is closed, not pooled
  // (pooled, it would keep every other worker's ticks out until it happened to close).
  let keepsLock: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [lockKey]);
    if (!rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, value: await work(client) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [lockKey]).catch((error: unknown) => {
        keepsLock = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    client.off("error", ignoreDrop);
    client.release(keepsLock);
  }
}

/** Runs `work` as one transaction on the tick's own connection. */
export async function atomically<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  await sql.query("BEGIN");
  try {
    const result = await work();
    await sql.query("COMMIT");
    return result;
  } catch (error) {
    await sql.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Claims this period's run of the sweep `name` across every worker: true (and the run recorded)
 * when it last ran at least `everyMs` ago by the database's clock, false when another worker's
 * run is that recent. A process's own timer only says when to ask; with N workers each asking,
 * the sweep still runs once a period. A tenth of the period is forgiven, so a worker whose
 * timer fires a moment early is not put off a whole period.
 */
export async function claimRun(sql: Sql, name: string, everyMs: number): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO engine_runs (name, ran_at) VALUES ($1, clock_timestamp())
     ON CONFLICT (name) DO UPDATE SET ran_at = clock_timestamp()
      WHERE engine_runs.ran_at <= clock_timestamp() - $2::float8 * interval '1 millisecond'`,
    [name, everyMs * 0.9],
  );
  return rowCount === 1;
}
