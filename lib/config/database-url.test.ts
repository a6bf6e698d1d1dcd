import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// The state file's place is fixed when the module loads (from the working directory): load it
// from a scratch directory.
const dir = mkdtempSync(path.join(os.tmpdir(), "sdm-url-"));
let mod: typeof import("./database-url");
beforeAll(async () => {
  vi.spyOn(process, "cwd").mockReturnValue(dir);
  vi.resetModules();
  mod = await import("./database-url");
  vi.restoreAllMocks();
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(path.join(dir, ".data"), { recursive: true, force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function announce(content: string) {
  mkdirSync(path.join(dir, ".data"), { recursive: true });
  writeFileSync(path.join(dir, ".data", "embedded-services.json"), content);
}

describe("resolveDatabaseUrl", () => {
  it("keeps the state file under .data of the working directory", () => {
    expect(mod.EMBEDDED_STATE_FILE).toBe(path.join(dir, ".data", "embedded-services.json"));
  });

  it("takes DATABASE_URL first, even when npm start announced an embedded PostgreSQL", () => {
    announce(JSON.stringify({ databaseUrl: "postgresql://embedded/db" }));
    vi.stubEnv("DATABASE_URL", " postgresql://external/db ");
    expect(mod.resolveDatabaseUrl()).toBe("postgresql://external/db");
  });

  it("finds the embedded PostgreSQL a running npm start announced", () => {
    vi.stubEnv("DATABASE_URL", "");
    announce(JSON.stringify({ databaseUrl: "postgresql://embedded/db", mqttUrl: "mqtt://127.0.0.1:1" }));
    expect(mod.readEmbeddedServices()).toEqual({ databaseUrl: "postgresql://embedded/db", mqttUrl: "mqtt://127.0.0.1:1" });
    expect(mod.resolveDatabaseUrl()).toBe("postgresql://embedded/db");
  });

  it("says what to do when there is neither, or the state file is damaged", () => {
    vi.stubEnv("DATABASE_URL", "");
    expect(mod.readEmbeddedServices()).toEqual({});
    expect(() => mod.resolveDatabaseUrl()).toThrow(/DATABASE_URL is not set and no embedded PostgreSQL is running\. Start the product with `npm start`/);
    announce("{ half written");
    expect(mod.readEmbeddedServices()).toEqual({});
    expect(() => mod.resolveDatabaseUrl()).toThrow(/DATABASE_URL is not set/);
  });
});
