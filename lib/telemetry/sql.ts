/**
 * The hot paths (ingest, sweeps, retention) talk to PostgreSQL through node-postgres directly:
 * arrays bind as one parameter each (no 32,767-parameter ceiling, no per-row ORM cost) and the
 * driver's array and timestamp serialisation is predictable. Prisma stays the client for the rest.
 */
import pg from "pg";

/** The part of `pg.Pool` / `pg.Client` these modules use, so tests may pass either. */
export type Sql = {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
};

export type SqlPool = Sql & {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
};

export function createSqlPool(connectionString: string, max = 4): SqlPool {
  const pool = new pg.Pool({ connectionString, max, application_name: "sdm-iot-worker" });
  // An idle client losing its connection (database restart) must not crash the worker: the next
  // query gets a fresh connection and the failed flush is retried.
  pool.on("error", () => undefined);
  return pool;
}

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: SqlPool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection dropped mid-flush (database restart or shutdown) also emits 'error' on the
  // checked-out client; unheard, that event would crash the worker. The query itself rejects.
  const ignoreDrop = () => undefined;
  client.on("error", ignoreDrop);
  let failure: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-transaction may be broken: hand it back as failed so the pool
    // discards it instead of lending it to the next flush.
    client.off("error", ignoreDrop);
    client.release(failure);
  }
}

/**
 * For a transaction that looks devices up by device_id. That column also has a trigram GIN index
 * (the devices list's search) which answers equality too, and whenever the planner's statistics lag
 * it probed that index once per id: milliseconds each instead of microseconds (5 s for 800 ids in
 * bench:ingest, 1–3 s per 100 status reports in bench:ota). GIN is reachable only through bitmap
 * scans, which these transactions do not need.
 */
export async function keepToBtreeLookups(sql: Sql): Promise<void> {
  await sql.query("SET LOCAL enable_bitmapscan = off");
}
