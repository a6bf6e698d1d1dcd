/**
 * The one Prisma client of a process, over node-postgres through @prisma/adapter-pg (the JS query
 * engine: no native engine binary). Secret columns are omitted unless a query asks for them.
 *
 * `getDb()` is the primary: every write, and every read that must see a write just made. Reads
 * that may lag by a few seconds (lists, charts, reports) take `getReadDb()`: with
 * DATABASE_REPLICA_URL set, Prisma's read-replica extension sends its model reads to the replica
 * while lib/db-replica.ts finds it up and close behind, and to the primary otherwise (a failed
 * replica read is asked of the primary again). Without a replica it is the primary.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { readReplicas } from "@prisma/extension-read-replicas";
import { resolveDatabaseUrl } from "./config/database-url";
import { ReplicaMonitor } from "./db-replica";

function createClient(connectionString = resolveDatabaseUrl()) {
  const adapter = new PrismaPg(
    { connectionString, max: Number(process.env.DB_POOL_SIZE ?? 10) },
    {
      // A dropped connection (database restart) fails the query that used it; it must not crash
      // the process through an unheard 'error' event.
      onPoolError: (error) => console.warn(`database pool: ${error.message}`),
      onConnectionError: (error) => console.warn(`database connection: ${error.message}`),
    },
  );
  return new PrismaClient({
    adapter,
    omit: {
      user: { passwordHash: true },
      apiKey: { keyHash: true },
      deviceCredential: { passwordHash: true },
      device: { provisioningTokenHash: true },
    },
  });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as { sdmPrisma?: Db; sdmReadDb?: { close(): Promise<void> } };

/** A global singleton so that Next's hot reload does not open a pool per edit. */
export function getDb(): Db {
  globalForDb.sdmPrisma ??= createClient();
  return globalForDb.sdmPrisma;
}

export async function disconnectDb() {
  const readDb = globalForDb.sdmReadDb;
  globalForDb.sdmReadDb = undefined;
  if (readDb) await readDb.close();
  if (globalForDb.sdmPrisma) {
    await globalForDb.sdmPrisma.$disconnect();
    globalForDb.sdmPrisma = undefined;
  }
}

/** A failure of the replica itself (down, unreachable, restarting, in conflict with its recovery), not of the query. */
function isReplicaFault(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${(error as { code?: string }).code ?? ""}` : String(error);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|terminat|connect|Connection|P1001|P1002|P1017|57P0|08\d{3}|40001|canceling statement due to conflict with recovery/i.test(text);
}

/**
 * The replica as the extension sees it: `replica[model][operation](args)`. Each call goes to the
 * replica while the monitor finds it usable, else to the primary; a replica fault moves that read,
 * and the following ones until the next good check, to the primary.
 */
function routedReplica(primary: Db, replica: Db, monitor: ReplicaMonitor): Db {
  const route = (model: string | null, operation: string, args: unknown) => {
    const call = (client: Db) => {
      const target = (model ? (client as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[model] : client) as Record<string, (a: unknown) => Promise<unknown>>;
      return target[operation]!(args);
    };
    if (!monitor.usable()) return call(primary);
    return call(replica).catch((error: unknown) => {
      if (!isReplicaFault(error)) throw error;
      monitor.markFailed(error);
      return call(primary);
    });
  };
  return new Proxy({} as Db, {
    get(_target, model: string | symbol) {
      // The extension's own $connect/$disconnect reach the replica client itself.
      if (model === "$connect") return () => replica.$connect();
      if (model === "$disconnect") return () => replica.$disconnect();
      if (typeof model !== "string" || model === "then") return undefined;
      return new Proxy({}, { get: (_t, operation: string) => (args: unknown) => route(model, operation, args) });
    },
  });
}

function createReadClient(primary: Db, replicaUrl: string) {
  const monitor = new ReplicaMonitor({
    primaryUrl: resolveDatabaseUrl(),
    replicaUrl,
    maxLagMs: Number(process.env.DATABASE_REPLICA_MAX_LAG_SECONDS ?? 5) * 1000,
    log: (line) => console.log(line),
  }).start();
  const replica = createClient(replicaUrl);
  const client = primary.$extends(readReplicas({ replicas: [routedReplica(primary, replica, monitor)] }));
  return {
    client,
    monitor,
    async close() {
      await monitor.stop();
      await replica.$disconnect();
    },
  };
}

type ReadDb = ReturnType<typeof createReadClient>;
const globalForReadDb = globalForDb as typeof globalForDb & { sdmReadDb?: ReadDb };

/**
 * For reads that may be a few seconds behind (lists, charts, reports): the replica when there is
 * one that is up and close behind, else the primary. Writes through it still go to the primary
 * (the extension sends only model reads away), but a page that reads what it just wrote takes `getDb()`.
 */
export function getReadDb(): Db {
  const replicaUrl = process.env.DATABASE_REPLICA_URL?.trim();
  if (!replicaUrl) return getDb();
  globalForReadDb.sdmReadDb ??= createReadClient(getDb(), replicaUrl);
  // The extension adds $primary/$replica; everything a caller of Db uses is there as on the primary.
  return globalForReadDb.sdmReadDb.client as unknown as Db;
}

/** Whether reads now go to the replica, and how far behind it is (for the health page and tests). */
export function readReplicaState() {
  return globalForReadDb.sdmReadDb?.monitor.current() ?? null;
}
