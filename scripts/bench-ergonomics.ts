/**
 * `npm run bench:ergonomics`: daily-use ergonomics (issue 21) measured in Chromium (/usr/bin/chromium)
 * against the production build, with the demo data and its fleet scaled to BENCH_DEVICES (2,000).
 * Each measure (scripts/ergonomics/index.ts) returns labelled figures with a target and a verdict;
 * a benchmark, not a test: it prints PASS/FAIL and exits 0 either way (1 only when it could not run).
 *
 *   npm run bench:ergonomics                                  embedded PostgreSQL under .data/bench
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:ergonomics
 *
 * Options: BENCH_DEVICES (2000), BENCH_LCP_RUNS (7), BENCH_ONLY="phone,axe" runs the measures whose
 * name contains one of the words, BENCH_PORT fixes the server's port, BENCH_KEEP=1 keeps the database.
 */
import { chromium } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData } from "../prisma/seed";
import { cleanup, cleanups, loadAverage, log, openBenchDatabase } from "./bench-harness";
import { startProductionServer } from "./bench-server";
import { ERGONOMICS_MEASURES } from "./ergonomics/index";
import type { Figure, MeasureContext } from "./ergonomics/measure";

const DATABASE = "sdm_ergonomics";
const DEVICES = Number(process.env.BENCH_DEVICES ?? 2000);
const ADMIN = DEMO_USERS.find((user) => user.role === "admin")!;

/**
 * The demo fleet copied until there are `total` devices: each copy keeps its original's type,
 * farm, group, health, battery and signal spread (not its tags), with an id of the same prefix (MM10001…).
 */
async function scaleFleet(sql: pg.Pool, total: number) {
  const count = (await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM devices`)).rows[0]!.count;
  if (count >= total) return count;
  const { rows: columns } = await sql.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'devices' AND table_schema = current_schema() AND column_name NOT IN ('id', 'device_id', 'name', 'serial_number', 'mac_address') AND is_generated = 'NEVER' ORDER BY ordinal_position`,
  );
  const copied = columns.map((column) => `"${column.column_name}"`);
  await sql.query(
    `INSERT INTO devices (device_id, name, serial_number, mac_address, ${copied.join(", ")})
     SELECT left(d.device_id, 2) || (10000 + n)::text, d.name || ' ' || (10000 + n)::text, NULL, NULL, ${copied.map((column) => `d.${column}`).join(", ")}
     FROM generate_series(1, $1::int) n
     JOIN LATERAL (SELECT * FROM devices WHERE id = (SELECT id FROM devices ORDER BY id OFFSET (n % $2::int) LIMIT 1)) d ON true`,
    [total - count, count],
  );
  await sql.query(`ANALYZE devices`);
  return (await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM devices`)).rows[0]!.count;
}

function table(figures: { measure: string; figure: Figure }[]) {
  const rows = figures.map(({ figure }) => [figure.label, `${figure.value.toLocaleString("en")} ${figure.unit}`, figure.target ?? "—", figure.pass === null ? "—" : figure.pass ? "PASS" : "FAIL"]);
  const header = ["figure", "measured", "target", "verdict"];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

async function main() {
  const { databaseUrl, dataDir } = await openBenchDatabase(DATABASE);
  process.env.DATABASE_URL = databaseUrl;
  const { getDb, disconnectDb } = await import("../lib/db");
  log("seeding the demo data…");
  await seedDemoData(getDb(), () => undefined);
  await disconnectDb();
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const devices = await scaleFleet(sql, DEVICES);
  await sql.end();
  log(`demo fleet scaled to ${devices.toLocaleString("en")} devices`);

  const base = await startProductionServer(databaseUrl, dataDir, {}, process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
  cleanups.push(() => browser.close());

  const context: MeasureContext = {
    browser,
    base,
    log,
    async signedIn(viewport, options = {}) {
      const browserContext = await browser.newContext({ viewport, baseURL: base, isMobile: options.isMobile, hasTouch: options.isMobile });
      const page = await browserContext.newPage();
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(options.email ?? ADMIN.email);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => !url.pathname.startsWith("/login"));
      return { context: browserContext, page };
    },
  };

  const only = process.env.BENCH_ONLY?.split(",").map((word) => word.trim().toLowerCase()).filter(Boolean);
  const results: { measure: string; figure: Figure }[] = [];
  for (const measure of ERGONOMICS_MEASURES) {
    if (only?.length && !only.some((word) => measure.name.toLowerCase().includes(word))) continue;
    log(`measuring: ${measure.name}…`);
    const figures = await measure.run(context);
    results.push(...figures.map((figure) => ({ measure: measure.name, figure })));
  }
  console.log(`\nErgonomics (${devices.toLocaleString("en")} devices, production build, Chromium; load average ${loadAverage()})\n`);
  console.log(table(results));
  console.log();
}

main()
  .then(cleanup)
  .catch(async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  });
