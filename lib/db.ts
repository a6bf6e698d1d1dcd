/**
 * The one Prisma client of a process, over node-postgres through @prisma/adapter-pg (the JS query
 * engine: no native engine binary). Secret columns are omitted unless a query asks for them.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { resolveDatabaseUrl } from "./config/database-url";

function createClient() {
  const adapter = new PrismaPg(
    { connectionString: resolveDatabaseUrl(), max: Number(process.env.DB_POOL_SIZE ?? 10) },
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

const globalForDb = globalThis as unknown as { sdmPrisma?: Db };

/** A global singleton so that Next's hot reload does not open a pool per edit. */
export function getDb(): Db {
  globalForDb.sdmPrisma ??= createClient();
  return globalForDb.sdmPrisma;
}

export async function disconnectDb() {
  if (globalForDb.sdmPrisma) {
    await globalForDb.sdmPrisma.$disconnect();
    globalForDb.sdmPrisma = undefined;
  }
}
