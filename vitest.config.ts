import path from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Coverage of lib/, when a run is given `--coverage`. Most of lib/ reads and writes PostgreSQL or
 * the broker and is tested against them, so `npm test` records the unit and the integration run
 * and prints the two together as the figure (README, "Tests"). lib/testing is test fixtures.
 */
export const coverage = {
  provider: "v8",
  include: ["lib/**/*.ts"],
  exclude: ["lib/**/*.test.ts", "lib/testing/**"],
  reporter: ["text-summary"],
} satisfies NonNullable<NonNullable<ViteUserConfig["test"]>["coverage"]>;

/** Unit tests: pure rules beside their modules, no services. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/*.integration.test.ts", "node_modules/**"],
    // Each run clears its own directory when it starts: one per config, so a unit run does not
    // pull the files from under an integration run.
    coverage: { ...coverage, reportsDirectory: "coverage/unit" },
  },
});
