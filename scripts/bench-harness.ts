/**
 * What the benchmarks share: a log line prefix, the machine's load (figures on a busy 2-core box
 * are several times worse, so every table prints it), clean-up on exit, and a fresh database of
 * their own — on DATABASE_URL's server when set, else an embedded PostgreSQL under .data/bench.
 */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../lib/config/env";
import { adminUrlFor, dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from "../lib/services/embedded-postgres";
import { migrateDeploy } from "../lib/services/migrate";

export const log = (line: string) => console.log(`[bench] ${line}`);

export const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(" / ");

/** Steps undone in reverse order when the benchmark ends or is interrupted. */
export const cleanups: (() => Promise<void>)[] = [];

export async function cleanup() {
  for (const step of cleanups.reverse()) await step().catch((error) => log(`cleanup: ${(error as Error).message}`));
  cleanups.length = 0;
}

/**
 * A fresh, migrated database named `database`, dropped at the end unless BENCH_KEEP=1.
 * `beforeMigrate` runs on the empty database (per-database PostgreSQL settings).
 */
export async function openBenchDatabase(database: string, beforeMigrate?: (adminUrl: string) => Promise<void>) {
  const config = parseConfig(process.env);
  const dataDir = path.resolve(config.DATA_DIR, "bench");
  mkdirSync(dataDir, { recursive: true });
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  process.on("SIGTERM", () => void cleanup().then(() => process.exit(143)));

  let adminUrl: string;
  let databaseUrl: string;
  if (config.DATABASE_URL) {
    adminUrl = adminUrlFor(config.DATABASE_URL);
    log(`PostgreSQL: ${new URL(config.DATABASE_URL).host} (external), fresh database ${database}`);
    databaseUrl = withDatabase(config.DATABASE_URL, database);
  } else {
    const postgres = await startEmbeddedPostgres({ dataDir, database: "postgres", log });
    cleanups.push(() => postgres.stop());
    adminUrl = postgres.adminUrl;
    databaseUrl = withDatabase(postgres.url, database);
    log(`PostgreSQL: embedded (data in ${path.relative(process.cwd(), dataDir)}/postgres), fresh database ${database}`);
  }
  await dropDatabase(adminUrl, database);
  await ensureDatabase(adminUrl, database);
  await beforeMigrate?.(adminUrl);
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => dropDatabase(adminUrl, database));
  await migrateDeploy(databaseUrl, log);
  return { config, dataDir, adminUrl, databaseUrl };
}
