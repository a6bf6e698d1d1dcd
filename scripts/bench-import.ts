/**
 * `npm run bench:import`: the CSV device import at 1,000, 10,000 and 100,000 rows (issue 5). Writes
 * each file to .data/bench/import-N.csv, runs previewImport and runImport (lib/import/device-import.ts,
 * mode "create", skipErrors off) on it through the real domain code against a database of its own,
 * samples the process's memory every 50 ms, and in the same run times PostgreSQL's own
 * `COPY … FROM STDIN (FORMAT csv, HEADER)` of the same file twice: into a scratch table (text columns,
 * no indexes: the issue's physical limit) and into a table shaped like `devices` with all its indexes
 * (the limit of any write into the registry, which must maintain its search indexes). A benchmark, not a test: it prints PASS/FAIL against the targets
 * and exits 0 either way (1 only when it could not run).
 *
 *   npm run bench:import                                     embedded PostgreSQL under .data/bench
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:import
 *                                                            a fresh database sdm_bench_import on that server
 *
 * Options (environment): BENCH_IMPORT_SIZES ("1000,10000,100000"), BENCH_KEEP=1 keeps the database.
 * COPY goes through the `psql` client (`psql -c "COPY … FROM STDIN"` with the file on its stdin);
 * the time is the server's, from psql's `\timing`, falling back to wall clock (which includes
 * starting psql and connecting) when psql prints none.
 * Targets (the issue): 10,000 rows previewed + imported ≤ 5 s; 100,000 rows without running out of
 * memory; import within 5× of COPY.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { cleanup, loadAverage, log, openBenchDatabase } from "./bench-harness";
import { DEVICE_ID_PREFIX, DEVICE_TYPES, DEVICE_TYPE_LABEL } from "../lib/devices/device-id";

const DATABASE = "sdm_bench_import";
const SIZES = (process.env.BENCH_IMPORT_SIZES ?? "1000,10000,100000").split(",").map((size) => Number(size.trim())).filter((size) => size > 0);
const TARGET_10K_S = 5;
const TARGET_RATIO = 5;
const FARM_CODES = ["BI01", "BI02", "BI03"];
const CSV_COLUMNS = ["device_id", "name", "device_type", "farm_code", "manufacturer", "model", "serial_number", "mac_address", "location_description"];
const MANUFACTURERS = ["DeLaval", "Lely", "GEA", "Nedap", "Afimilk", "SCR"];

const mb = (bytes: number) => bytes / 1024 / 1024;

// ---------------------------------------------------------------- the files

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** N rows with ids in a range of their own per size (size index i: (i+1)·100000 + row), so sizes never collide. */
async function writeCsv(file: string, rows: number, sizeIndex: number) {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, "drain");
  };
  await write(`${CSV_COLUMNS.join(",")}\n`);
  const base = (sizeIndex + 1) * 100_000;
  for (let i = 0; i < rows; i++) {
    const type = DEVICE_TYPES[i % DEVICE_TYPES.length]!;
    const number = base + i;
    const farm = FARM_CODES[i % FARM_CODES.length]!;
    const manufacturer = MANUFACTURERS[i % MANUFACTURERS.length]!;
    const hex = number.toString(16).toUpperCase().padStart(6, "0");
    const values = [
      `${DEVICE_ID_PREFIX[type]}${number}`,
      `${DEVICE_TYPE_LABEL[type]} ${farm}-${number}`,
      type,
      farm,
      manufacturer,
      `${manufacturer} ${DEVICE_ID_PREFIX[type]}-${(1 + (i % 3)) * 100}`,
      `${manufacturer.slice(0, 3).toUpperCase()}-${2021 + (i % 5)}-${String(number).padStart(7, "0")}`,
      `B8:27:EB:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
      `Barn ${1 + (i % 4)}, stall ${1 + (i % 120)}, "north" side`,
    ];
    await write(`${values.map(csvCell).join(",")}\n`);
  }
  out.end();
  await once(out, "finish");
}

// ---------------------------------------------------------------- memory

/** The peak RSS and heapUsed while `run` runs, sampled every 50 ms (and at start and end). */
async function withMemoryPeak<T>(run: () => Promise<T>): Promise<{ value: T; rss: number; heap: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 50);
  try {
    const value = await run();
    sample();
    return { value, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------- COPY (the physical limit)

async function sql(databaseUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * The scratch table of the issue's definition: the file's columns as text, no index, no constraint.
 * The fastest any load can go, but not a place devices can live in.
 */
const scratchTable = (table: string) => `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${CSV_COLUMNS.map((column) => `${column} text`).join(", ")})`;

/**
 * A table shaped like `devices` with all its indexes (the unique id, the btrees of the list filters,
 * the four trigram GIN indexes of the search) and defaults, plus a farm_code column for the file's
 * farm codes; no foreign keys. COPY into it is the physical limit of writing these rows into the
 * registry: every import, however written, pays this index maintenance.
 */
const registryShapedTable = (table: string) =>
  `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (LIKE devices INCLUDING ALL); ALTER TABLE ${table} ADD COLUMN farm_code text;
   ALTER TABLE ${table} ALTER farm_id DROP NOT NULL; ALTER TABLE ${table} ALTER updated_at SET DEFAULT now()`;

/** `COPY table FROM STDIN (FORMAT csv, HEADER)` through psql with the file on stdin; seconds and rows. */
async function copyWithPsql(databaseUrl: string, table: string, create: string, file: string): Promise<{ seconds: number; rows: number; source: string }> {
  await sql(databaseUrl, create);
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-c", "\\timing on", "-c", `COPY ${table} (${CSV_COLUMNS.join(", ")}) FROM STDIN (FORMAT csv, HEADER)`], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`psql COPY failed (exit ${code}): ${text.trim()}`))));
    createReadStream(file).pipe(child.stdin);
  });
  const wall = (performance.now() - started) / 1000;
  const rows = Number(/COPY (\d+)/.exec(output)?.[1] ?? NaN);
  const timing = /Time: ([\d.]+) ms/.exec(output);
  await sql(databaseUrl, `DROP TABLE ${table}`);
  return timing ? { seconds: Number(timing[1]) / 1000, rows, source: "psql \\timing" } : { seconds: wall, rows, source: "wall clock" };
}

// ---------------------------------------------------------------- the import

type Row = {
  rows: number;
  bytes: number;
  previewS?: number;
  importS?: number;
  rss?: number;
  heap?: number;
  copyS?: number;
  copyRows?: number;
  copySource?: string;
  registryCopyS?: number;
  error?: string;
  detail?: string;
};

async function bench(databaseUrl: string, dataDir: string): Promise<Row[]> {
  process.env.DATABASE_URL = databaseUrl;
  const { getDb, disconnectDb } = await import("../lib/db");
  const { hashPassword } = await import("../lib/auth/password");
  const { previewImport, runImport } = await import("../lib/import/device-import");
  type Actor = Parameters<typeof runImport>[1];
  const db = getDb();
  try {
    for (const [index, code] of FARM_CODES.entries()) await db.farm.create({ data: { code, name: `Bench import farm ${index + 1}` } });
    await db.deviceGroup.create({ data: { code: "BI-ROOT", name: "Bench import devices" } });
    const user = await db.user.create({
      data: { email: "bench-import@smartdairy.example", name: "Bench Import Admin", role: "admin", passwordHash: await hashPassword(`bench-${Date.now()}`) },
    });
    const actor: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };

    // A running server has its code compiled and its query plans cached: a 200-row import first,
    // unmeasured, so the smallest size does not carry the process's warm-up.
    const warmUp = path.join(dataDir, "import-warm-up.csv");
    await writeCsv(warmUp, 200, SIZES.length);
    const warmUpOptions = { fileName: "warm-up.csv", mode: "create" as const, skipErrors: false };
    await previewImport(db, actor, createReadStream(warmUp), warmUpOptions);
    await runImport(db, actor, createReadStream(warmUp), warmUpOptions);

    const results: Row[] = [];
    for (const [index, size] of SIZES.entries()) {
      const file = path.join(dataDir, `import-${size}.csv`);
      await writeCsv(file, size, index);
      const row: Row = { rows: size, bytes: statSync(file).size };
      results.push(row);
      log(`${size.toLocaleString("en")} rows: ${path.relative(process.cwd(), file)} (${mb(row.bytes).toFixed(1)} MB); preview + import…`);
      global.gc?.();
      try {
        const options = { fileName: path.basename(file), mode: "create" as const, skipErrors: false };
        const measured = await withMemoryPeak(async () => {
          const started = performance.now();
          const preview = await previewImport(db, actor, createReadStream(file), options);
          const previewed = performance.now();
          const result = await runImport(db, actor, createReadStream(file), options);
          return { preview, result, previewS: (previewed - started) / 1000, importS: (performance.now() - previewed) / 1000 };
        });
        const { preview, result } = measured.value;
        Object.assign(row, { previewS: measured.value.previewS, importS: measured.value.importS, rss: measured.rss, heap: measured.heap });
        row.detail = `preview ${preview.toCreate} to create / ${preview.rejected} rejected; import ${result.state}: ${result.created} created, ${result.rejected} rejected`;
        if (result.state !== "done" || result.created !== size) {
          row.error = `import ${result.state}, ${result.created} of ${size} created (${result.errorCount} errors; first: ${JSON.stringify(result.errors[0] ?? null)})`;
        }
      } catch (error) {
        row.error = (error as Error).message;
      }
      log(`  ${row.error ? `ERROR ${row.error}` : row.detail}`);
      try {
        const copy = await copyWithPsql(databaseUrl, `scratch_devices_${size}`, scratchTable(`scratch_devices_${size}`), file);
        Object.assign(row, { copyS: copy.seconds, copyRows: copy.rows, copySource: copy.source });
        log(`  COPY ${copy.rows} rows into a scratch table in ${copy.seconds.toFixed(3)} s (${copy.source})`);
        const registry = await copyWithPsql(databaseUrl, `registry_shaped_${size}`, registryShapedTable(`registry_shaped_${size}`), file);
        row.registryCopyS = registry.seconds;
        log(`  COPY ${registry.rows} rows into a table shaped like devices (its indexes) in ${registry.seconds.toFixed(3)} s (${registry.source})`);
      } catch (error) {
        log(`  COPY failed: ${(error as Error).message}`);
      }
    }
    const counted = await db.device.count();
    log(`devices in the bench database: ${counted.toLocaleString("en")}`);
    return results;
  } finally {
    await disconnectDb();
  }
}

const totalOf = (row: Row) => (row.previewS !== undefined && row.importS !== undefined ? row.previewS + row.importS : undefined);
const ratioTo = (row: Row, limit: number | undefined) => {
  const total = totalOf(row);
  return total !== undefined && limit ? total / limit : undefined;
};

function printTable(rows: Row[]) {
  const s = (value: number | undefined, digits = 2) => (value === undefined ? "-" : value.toFixed(digits));
  const times = (ratio: number | undefined) => (ratio === undefined ? "-" : `${ratio.toFixed(1)}×`);
  const columns = ["rows", "MB", "preview s", "import s", "total s", "rows/s", "peak RSS MB", "peak heap MB", "COPY scratch s", "ratio", "COPY registry s", "ratio", "result"];
  const widths = [8, 5, 9, 8, 7, 7, 11, 12, 14, 6, 15, 6, 0];
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (widths[i] ? cell.padStart(widths[i]!) : cell)).join("  ")}`;
  console.log("\nImport through previewImport + runImport (mode create, skipErrors off) vs COPY of the same file");
  console.log(line(columns));
  for (const row of rows) {
    const total = totalOf(row);
    const scratch = ratioTo(row, row.copyS);
    const registry = ratioTo(row, row.registryCopyS);
    console.log(
      line([
        row.rows.toLocaleString("en"),
        s(mb(row.bytes), 1),
        s(row.previewS),
        s(row.importS),
        s(total),
        total ? Math.round(row.rows / total).toLocaleString("en") : "-",
        s(row.rss === undefined ? undefined : mb(row.rss), 0),
        s(row.heap === undefined ? undefined : mb(row.heap), 0),
        s(row.copyS, 3),
        times(scratch),
        s(row.registryCopyS, 3),
        times(registry),
        row.error ? `ERROR ${row.error}` : registry === undefined ? "" : registry <= TARGET_RATIO ? "PASS" : "FAIL",
      ]),
    );
  }
  console.log(
    [
      "  total = preview + import; rows/s on total.",
      "  COPY scratch: into a table of text columns without indexes (the issue's definition of the limit).",
      "  COPY registry: into a table shaped like devices with all its indexes (what writing devices physically costs).",
    ].join("\n"),
  );
}

function summary(rows: Row[], loadBefore: string) {
  const ten = rows.find((row) => row.rows === 10_000);
  const hundred = rows.find((row) => row.rows === 100_000);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "NOT RUN" : ok ? "PASS" : "FAIL");
  const ratios = (limit: (row: Row) => number | undefined) =>
    rows.filter((row) => !row.error && limit(row)).map((row) => ({ rows: row.rows, ratio: ratioTo(row, limit(row))! }));
  const ratioLine = (label: string, list: { rows: number; ratio: number }[]) =>
    `  within ${TARGET_RATIO}× of ${label}, every size:  ${list.length ? verdict(list.every((r) => r.ratio <= TARGET_RATIO)) : "NOT RUN"} (${list.map((r) => `${r.rows.toLocaleString("en")}: ${r.ratio.toFixed(1)}×`).join(", ")})`;
  const load1 = os.loadavg()[0]!;
  console.log(
    [
      "",
      `Summary (${os.cpus().length} cores, load average 1/5/15 min: ${loadBefore} before, ${loadAverage()} after${load1 > 3 ? " — machine busy, figures pessimistic" : ""})`,
      `  10,000 rows previewed + imported ≤ ${TARGET_10K_S} s:  ${ten ? `${verdict(!ten.error && totalOf(ten)! <= TARGET_10K_S)} (${totalOf(ten)?.toFixed(2)} s)` : "NOT RUN"}`,
      `  100,000 rows complete (no out-of-memory):  ${hundred ? `${verdict(!hundred.error)}${hundred.rss ? ` (peak RSS ${mb(hundred.rss).toFixed(0)} MB)` : ""}` : "NOT RUN"}`,
      ratioLine("COPY into the devices-shaped table", ratios((row) => row.registryCopyS)),
      ratioLine("COPY into an unindexed scratch table", ratios((row) => row.copyS)),
      "",
    ].join("\n"),
  );
}

// ---------------------------------------------------------------- main


async function main() {
  const { dataDir, databaseUrl } = await openBenchDatabase(DATABASE);

  const loadBefore = loadAverage();
  const rows = await bench(databaseUrl, dataDir);
  printTable(rows);
  summary(rows, loadBefore);
}

main()
  .catch((error) => {
    console.error("[bench] failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    log("stopped everything it started");
  });
