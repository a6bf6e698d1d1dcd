/**
 * Prisma CLI configuration (migrate dev / migrate deploy / generate).
 *
 * The classic Prisma schema engine is a native binary downloaded at run time; these machines have
 * no internet, so the CLI runs the JS schema engine over @prisma/adapter-pg instead. Three upstream
 * bugs of that path (prisma/orm#27403) are worked around here, and only here (tooling):
 *  1. the engine cannot deserialize the catalog types `name` (oid 19) and `"char"` (oid 18) nor
 *     their arrays (1003, 1002): we rewrite those field type ids to text (25) / text[] (1009);
 *  2. the adapter's shadow database inherits `connectionString`, so it would silently point at the
 *     main database: we pass discrete host/port/user/password/database fields;
 *  3. the adapter drops the shadow database before closing its pool ("being accessed by other
 *     users"): we provide connectToShadowDb ourselves and drop it WITH (FORCE) after disposing;
 *  4. the adapter's executeScript splits a migration on every ";", also inside a dollar-quoted body
 *     (a DO block): a script holding one is sent whole, as one simple query (what the native engine
 *     does with every script); the others keep the split.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { resolveDatabaseUrl } from "./lib/config/database-url";

const CATALOG_TYPE_AS_TEXT: Record<number, number> = { 19: 25, 18: 25, 1003: 1009, 1002: 1009 };

type ResultWithFields = { addFields(fields: { dataTypeID: number }[]): void };
const resultPrototype = (pg as unknown as { Result: { prototype: ResultWithFields } }).Result.prototype;
const originalAddFields = resultPrototype.addFields;
resultPrototype.addFields = function addFields(fields) {
  for (const field of fields) {
    const replacement = CATALOG_TYPE_AS_TEXT[field.dataTypeID];
    if (replacement) field.dataTypeID = replacement;
  }
  return originalAddFields.call(this, fields);
};

function discreteFields(url: string, database?: string): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || "postgres"),
    password: decodeURIComponent(parsed.password),
    database: database ?? decodeURIComponent(parsed.pathname.slice(1) || "postgres"),
  };
}

type ScriptRunner = { executeScript(script: string): Promise<void> };

function wholeDollarQuotedScripts<T extends ScriptRunner>(adapter: T): T {
  const split = adapter.executeScript.bind(adapter);
  const client = (adapter as unknown as { client: pg.Pool }).client;
  adapter.executeScript = async (script: string) => {
    if (!/\$[A-Za-z_]*\$/.test(script)) return split(script);
    await client.query(script);
  };
  return adapter;
}

class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly url: string) {
    super(discreteFields(url));
  }

  override async connect() {
    return wholeDollarQuotedScripts(await super.connect());
  }

  override async connectToShadowDb() {
    const admin = new pg.Client(discreteFields(this.url));
    await admin.connect();
    const name = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const adapter = wholeDollarQuotedScripts(await new PrismaPg(discreteFields(this.url, name)).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleanup = new pg.Client(discreteFields(this.url));
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    };
    return adapter;
  }
}

/**
 * The CLI reads `env("DATABASE_URL")` of the schema to decide which engines it needs; when it cannot,
 * it falls back to downloading the native query engine (no internet here). `prisma generate` needs no
 * database, so it gets a placeholder; commands that connect use the real URL or fail clearly.
 */
let databaseUrl: string | undefined;
let databaseUrlProblem: Error | undefined;
try {
  databaseUrl = resolveDatabaseUrl();
} catch (error) {
  databaseUrlProblem = error as Error;
}
process.env.DATABASE_URL ??= databaseUrl ?? "postgresql://not-configured@127.0.0.1:1/not-configured";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  async adapter() {
    if (!databaseUrl) throw databaseUrlProblem;
    return new MigrationAdapterFactory(databaseUrl);
  },
});
