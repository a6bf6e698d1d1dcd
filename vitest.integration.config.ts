import path from "node:path";
import { defineConfig } from "vitest/config";
import { coverage } from "./vitest.config.js";

/**
 * Integration tests against a real PostgreSQL and a real MQTT broker. Run them through
 * `npm run test:integration` (scripts/with-services.ts), which provides DATABASE_URL and MQTT_URL:
 * embedded ones by default, the machine's when they are set.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.integration.test.ts"],
    exclude: ["node_modules/**", ".next/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    coverage: { ...coverage, reportsDirectory: "coverage/integration" },
  },
});
