/**
 * Whether the production build of the web app is missing or older than the code: `npm start`
 * (after a `git pull`) and the benchmarks rebuild only then, because a build takes minutes on 2 cores.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export function buildIsStale(root = process.cwd()): boolean {
  const buildId = path.resolve(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return ["app", "components", "lib"].some((dir) => newestIn(path.resolve(root, dir)) > built) || statSync(path.resolve(root, "package.json")).mtimeMs > built;
}
