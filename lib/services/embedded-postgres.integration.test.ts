import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";

// As root, PostgreSQL runs as the user `postgres`; a parent folder only root may enter (what
// `mktemp -d` makes, or /root) killed `npm start` with a raw `spawn initdb EACCES` trace.
describe.skipIf(process.getuid?.() !== 0)("embedded PostgreSQL under a folder the postgres user cannot enter", () => {
  const privateDir = mkdtempSync(path.join(os.tmpdir(), "sdm-private-"));
  chmodSync(privateDir, 0o700);
  afterAll(() => rmSync(privateDir, { recursive: true, force: true }));

  it("stops with one sentence naming the folder and what to do, before spawning anything", async () => {
    const dataDir = path.join(privateDir, "data");
    const started = startEmbeddedPostgres({ dataDir, database: "postgres" });
    await expect(started).rejects.toThrow(
      new RegExp(`user "postgres" .*cannot enter ${privateDir.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*chmod o\\+x .*DATABASE_URL`),
    );
    // Nothing was initialised there: a later start, once the folder is opened, begins clean.
    expect(existsSync(path.join(dataDir, "postgres"))).toBe(false);
  });
});
