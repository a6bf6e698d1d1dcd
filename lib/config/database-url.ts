import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where `npm start` records the embedded PostgreSQL it started, so CLI tools find it too. */
export const EMBEDDED_STATE_FILE = path.join(process.cwd(), ".data", "embedded-services.json");

export type EmbeddedServices = { databaseUrl?: string; mqttUrl?: string; pid?: number };

export function readEmbeddedServices(): EmbeddedServices {
  if (!existsSync(EMBEDDED_STATE_FILE)) return {};
  try {
    return JSON.parse(readFileSync(EMBEDDED_STATE_FILE, "utf8")) as EmbeddedServices;
  } catch {
    return {};
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL that a running `npm start` announced.
 * Throws a message a developer can act on rather than letting pg fail on `undefined`.
 */
export function resolveDatabaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fromEnv;
  const embedded = readEmbeddedServices().databaseUrl;
  if (embedded) return embedded;
  throw new Error(
    "DATABASE_URL is not set and no embedded PostgreSQL is running. Start the product with `npm start` " +
      "(it starts an embedded PostgreSQL) or set DATABASE_URL=postgresql://user:pass@host:5432/db.",
  );
}
