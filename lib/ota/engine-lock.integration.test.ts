/**
 * The update engine's one-tick-at-a-time lock on a real PostgreSQL: a connection whose unlock
 * failed must not go back to the pool still holding it.
 */
import { generateKeyPairSync } from "node:crypto";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { keyIdOf } from "../firmware/signing";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { OtaEngine } from "./ota-engine";

const pair = generateKeyPairSync("ed25519");
const options = {
  publicUrl: "http://farm.test:3000",
  signingKey: { privateKey: pair.privateKey, publicKey: pair.publicKey, keyId: keyIdOf(pair.publicKey) },
  publish: async () => undefined,
};
const pools: SqlPool[] = [];
const pool = () => {
  const created = createSqlPool(resolveDatabaseUrl(), 1);
  pools.push(created);
  return created;
};

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe("OtaEngine lock", () => {
  it("closes a connection whose unlock failed, so another worker's next tick runs", async () => {
    const failing = pool();
    // The same pool, except that the unlock statement fails once (a network blip at that moment).
    let failUnlock = true;
    const flaky: SqlPool = {
      query: failing.query.bind(failing),
      end: failing.end.bind(failing),
      async connect() {
        const client = await failing.connect();
        const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
        return Object.assign(Object.create(client) as pg.PoolClient, {
          query: (text: string, values?: unknown[]) => {
            if (failUnlock && text.includes("pg_advisory_unlock")) {
              failUnlock = false;
              return Promise.reject(new Error("connection reset while unlocking"));
            }
            return query(text, values);
          },
          release: client.release.bind(client),
          on: client.on.bind(client),
          off: client.off.bind(client),
        });
      },
    };
    expect((await new OtaEngine(flaky, options).tick()).ran).toBe(true);

    // Another worker: it gets the lock, because the connection that kept it was closed.
    expect((await new OtaEngine(pool(), options).tick()).ran).toBe(true);
    // And the first pool, on a fresh connection, runs again too.
    expect((await new OtaEngine(flaky, options).tick()).ran).toBe(true);
  });
});
