import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildIsStale } from "./build-freshness";

const root = mkdtempSync(path.join(os.tmpdir(), "sdm-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(relative: string, secondsAgo: number) {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "");
  const time = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, time, time);
}

describe("buildIsStale", () => {
  it("is stale when there is no build yet", () => {
    touch("package.json", 100);
    expect(buildIsStale(root)).toBe(true);
  });

  it("is fresh when the build is newer than the code and package.json", () => {
    touch("app/page.tsx", 90);
    touch("lib/devices/deep/module.ts", 80);
    touch(".next/BUILD_ID", 60);
    expect(buildIsStale(root)).toBe(false);
  });

  it("is stale after a change anywhere under app, components or lib, however deep", () => {
    touch("lib/devices/deep/module.ts", 10);
    expect(buildIsStale(root)).toBe(true);
    touch("lib/devices/deep/module.ts", 80);
    touch("components/chart.tsx", 5);
    expect(buildIsStale(root)).toBe(true);
  });

  it("is stale after a dependency change (package.json), and ignores other folders", () => {
    touch("components/chart.tsx", 80);
    touch("e2e/spec.ts", 1);
    expect(buildIsStale(root)).toBe(false);
    touch("package.json", 1);
    expect(buildIsStale(root)).toBe(true);
  });
});
