/**
 * For integration tests that store samples and then read a range served by the rollups: runs the
 * rollup job's work at once, as the worker would within its lag plus a minute, with no lag (the
 * integration files run one at a time, so no other transaction is still writing samples).
 */
import { resolveDatabaseUrl } from "../config/database-url";
import { rollUpTelemetry, transactionsOf } from "../telemetry/rollups";
import { createSqlPool } from "../telemetry/sql";

export async function rollUpStoredTelemetry(): Promise<void> {
  const pool = createSqlPool(resolveDatabaseUrl(), 1);
  try {
    await rollUpTelemetry(transactionsOf(pool), { lagMs: 0 });
  } finally {
    await pool.end();
  }
}
