/**
 * Reads through a REAL PostgreSQL streaming replica (lib/db.ts getReadDb, lib/db-replica.ts): a
 * primary from initdb on port 5441 and a replica made with `pg_basebackup -R` on port 5442, both in
 * a temporary directory, started with pg_ctl as the postgres user (the machine's own PostgreSQL is
 * not touched). Replay paused stands for a replica that lags; stopped, for one that is down.
 * Skipped, saying why, where no PostgreSQL server binaries or no postgres user are at hand.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../workers/test-fleet";
import { migrateDeploy } from "./services/migrate";

const PRIMARY_PORT = 5441;
const REPLICA_PORT = 5442;

/** The newest PostgreSQL server binaries installed the Debian way, if any. */
function serverBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "pg_basebackup"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

function postgresUser(): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()) };
  } catch {
    return null;
  }
}

const bin = serverBin();
const user = postgresUser();
const why = !bin ? "no PostgreSQL server binaries under /usr/lib/postgresql" : !user ? "no postgres user" : process.getuid?.() !== 0 ? "not root (pg_ctl must run as postgres)" : null;
if (why) console.log(`read-replica tests skipped: ${why}`);

let dir = "";
const asPostgres = (tool: string, args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", path.join(bin!, tool), ...args], { stdio: "pipe", timeout: 120_000 }).toString();
const primaryUrl = `postgresql://postgres@127.0.0.1:${PRIMARY_PORT}/sdm`;
const replicaUrl = `postgresql://postgres@127.0.0.1:${REPLICA_PORT}/sdm`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const saved = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_REPLICA_URL: process.env.DATABASE_REPLICA_URL, MAX_LAG: process.env.DATABASE_REPLICA_MAX_LAG_SECONDS };

const pgOptions = (port: number) => `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c hot_standby=on`;
const startServer = (data: string, port: number) => asPostgres("pg_ctl", ["-D", data, "-l", path.join(dir, `${port}.log`), "-o", pgOptions(port), "-w", "start"]);
const stopServer = (data: string) => {
  try {
    asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  } catch {
    // not running
  }
};

async function onReplica<T>(query: string) {
  const client = new pg.Client({ connectionString: replicaUrl });
  await client.connect();
  try {
    return (await client.query<T & pg.QueryResultRow>(query)).rows;
  } finally {
    await client.end();
  }
}

// The modules under test read the environment when first used: imported after it is set.
let db: typeof import("./db");

beforeAll(async () => {
  if (why) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "sdm-replica-"));
  chownSync(dir, user!.uid, user!.gid);
  const primary = path.join(dir, "primary");
  const replica = path.join(dir, "replica");
  asPostgres("initdb", ["-D", primary, "-U", "postgres", "--auth=trust", "--no-sync"]);
  startServer(primary, PRIMARY_PORT);
  asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(PRIMARY_PORT), "-U", "postgres", "sdm"]);
  await migrateDeploy(primaryUrl);
  asPostgres("pg_basebackup", ["-h", "127.0.0.1", "-p", String(PRIMARY_PORT), "-U", "postgres", "-D", replica, "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
  startServer(replica, REPLICA_PORT);
  await waitFor(async () => (await onReplica<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]?.r === true, 30_000, 200);

  process.env.DATABASE_URL = primaryUrl;
  process.env.DATABASE_REPLICA_URL = replicaUrl;
  process.env.DATABASE_REPLICA_MAX_LAG_SECONDS = "2";
  db = await import("./db");
  await db.disconnectDb();
}, 180_000);

afterAll(async () => {
  if (why) return;
  await db?.disconnectDb();
  stopServer(path.join(dir, "replica"));
  stopServer(path.join(dir, "primary"));
  rmSync(dir, { recursive: true, force: true });
  for (const [key, value] of Object.entries({ DATABASE_URL: saved.DATABASE_URL, DATABASE_REPLICA_URL: saved.DATABASE_REPLICA_URL, DATABASE_REPLICA_MAX_LAG_SECONDS: saved.MAX_LAG })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const onReplicaMachine = why ? describe.skip : describe;

onReplicaMachine("reads that may lag, on a streaming replica", () => {
  const farmCode = (name: string) => `R${name}${Date.now().toString(36)}`.slice(0, 20);

  it("go to the replica while it keeps up; writes through the same client land on the primary", { timeout: 60_000 }, async () => {
    const read = db.getReadDb();
    await waitFor(async () => db.readReplicaState()?.usable, 15_000, 100);
    const written = await read.farm.create({ data: { code: farmCode("w"), name: "Written through the read client" } });
    expect(await db.getDb().farm.findUnique({ where: { id: written.id } })).not.toBeNull();
    await waitFor(async () => (await read.farm.findUnique({ where: { id: written.id } })) !== null, 10_000);

    // Replay paused: a farm written now is not on the replica — and the read client does not see
    // it, which is how we know it read the replica.
    await onReplica("SELECT pg_wal_replay_pause()");
    try {
      const unseen = await db.getDb().farm.create({ data: { code: farmCode("p"), name: "Written while replay is paused" } });
      expect(await read.farm.findUnique({ where: { id: unseen.id } })).toBeNull();
      // The primary, for what must see its own write.
      expect(await db.getDb().farm.findUnique({ where: { id: unseen.id } })).not.toBeNull();

      // Past the 2 s allowed, the replica is left for the primary: the read sees the farm.
      await waitFor(async () => db.readReplicaState()?.usable === false, 10_000, 100);
      expect(db.readReplicaState()!.lagMs).toBeGreaterThan(2_000);
      expect(await read.farm.findUnique({ where: { id: unseen.id } })).not.toBeNull();
      expect(await read.farm.count({ where: { id: unseen.id } })).toBe(1);
    } finally {
      await onReplica("SELECT pg_wal_replay_resume()");
    }
    // Caught up: back to the replica.
    await waitFor(async () => db.readReplicaState()?.usable, 10_000, 100);
    expect(db.readReplicaState()!.lagMs).toBeLessThanOrEqual(2_000);
  });

  it("fall back to the primary when the replica is down, without failing, and return to it when it is back", { timeout: 90_000 }, async () => {
    const read = db.getReadDb();
    await waitFor(async () => db.readReplicaState()?.usable, 15_000, 100);
    const farm = await db.getDb().farm.create({ data: { code: farmCode("d"), name: "Read while the replica is down" } });
    await waitFor(async () => (await read.farm.findUnique({ where: { id: farm.id } })) !== null, 10_000);

    stopServer(path.join(dir, "replica"));
    // At once, before any check noticed: the read fails on the replica and is asked of the primary.
    expect((await read.farm.findUnique({ where: { id: farm.id } }))?.name).toBe("Read while the replica is down");
    expect(db.readReplicaState()!.usable).toBe(false);
    // And for as long as it stays down.
    for (let i = 0; i < 5; i++) {
      expect(await read.farm.count({ where: { id: farm.id } })).toBe(1);
      await sleep(300);
    }
    await waitFor(async () => db.readReplicaState()?.error !== null, 10_000, 100);

    startServer(path.join(dir, "replica"), REPLICA_PORT);
    await waitFor(async () => db.readReplicaState()?.usable, 30_000, 200);
    expect(await read.farm.count({ where: { id: farm.id } })).toBe(1);
  });
});
