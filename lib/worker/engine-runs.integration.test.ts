/**
 * Timed sweeps once across workers (lib/worker/engine-tick.ts claimRun), on real PostgreSQL: two
 * configuration engines — two workers' — ticking side by side run the minute's sweeps (materialize
 * and drift, which counts an alert occurrence per run) once a period between them, not once each.
 */
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { ConfigEngine } from "../configuration/config-engine";
import { createSqlPool } from "../telemetry/sql";
import { claimRun } from "./engine-tick";

const pool = createSqlPool(resolveDatabaseUrl(), 4);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await pool.end();
});

describe("claimRun", () => {
  it("grants one run a period, whoever asks", async () => {
    const name = `test.${Date.now()}`;
    const asked = await Promise.all(Array.from({ length: 6 }, () => claimRun(pool, name, 60_000)));
    expect(asked.filter(Boolean)).toHaveLength(1);
    expect(await claimRun(pool, name, 60_000)).toBe(false);
    await sleep(250);
    // A short period has passed: the next asker gets it.
    expect(await claimRun(pool, name, 200)).toBe(true);
  });
});

describe("two configuration engines", () => {
  it("run the minute's sweeps once a period between them", { timeout: 30_000 }, async () => {
    const options = { publish: async () => undefined, sweepEveryMs: 1_000, log: () => undefined };
    const engines = [new ConfigEngine(pool, options), new ConfigEngine(pool, options)];
    // Out of step by half a period, as two workers started at different moments are.
    await pool.query(`DELETE FROM engine_runs WHERE name = 'config.sweeps'`);
    let sweeps = 0;
    const started = Date.now();
    const ticking = engines.map(async (engine, index) => {
      await sleep(index * 500);
      while (Date.now() - started < 4_200) {
        const result = await engine.tick();
        if (result.drift) sweeps += 1;
        await sleep(50);
      }
    });
    await Promise.all(ticking);
    // 4.2 s at one a second: 4 or 5 (each engine alone would make as many: 9 or 10 together).
    expect(sweeps).toBeGreaterThanOrEqual(4);
    expect(sweeps).toBeLessThanOrEqual(5);
  });
});
