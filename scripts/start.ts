/**
 * `npm start`: the whole product on one machine. Starts what is not configured — an embedded
 * PostgreSQL unless DATABASE_URL, an embedded MQTT broker unless MQTT_URL, a local mail catcher
 * unless SMTP_URL — applies migrations, seeds an empty database with demo data, builds the web app
 * once, then runs web + worker (+ the device simulator in demo mode). Ctrl-C stops every process it started.
 *
 *   --dev      next dev instead of a production build
 *   --rebuild  build the web app even if a build exists
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EMBEDDED_STATE_FILE } from "../lib/config/database-url";
import { ConfigError, parseConfig } from "../lib/config/env";
import { newSecret } from "../lib/provisioning/credentials";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedPostgres, type RunningPostgres } from "../lib/services/embedded-postgres";
import { buildIsStale } from "../lib/services/build-freshness";
import { migrateDeploy } from "../lib/services/migrate";
import { WORKER_NODE_FLAGS } from "../lib/services/worker-node-flags";

const args = new Set(process.argv.slice(2));
const log = (line: string) => console.log(`[start] ${line}`);

function persistedSecret(file: string, bytes: number) {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = newSecret(bytes);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;
const cleanups: (() => Promise<void>)[] = [];

function run(name: string, command: string, commandArgs: string[], env: NodeJS.ProcessEnv) {
  // Own process group, so that stopping kills the command and everything it spawned.
  const child = spawn(command, commandArgs, { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  children.push({ name, process: child });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
    void shutdown(1);
  });
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await Promise.all(
    children.map(
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(force);
            resolve();
          });
          signalGroup(child, "SIGTERM");
        }),
    ),
  );
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${(error as Error).message}`);
    }
  }
  log("stopped");
  process.exit(code);
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function runToEnd(command: string, commandArgs: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
    children.push({ name: command, process: child });
    child.on("exit", (code) => {
      children.splice(children.findIndex((c) => c.process === child), 1);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${commandArgs.join(" ")} failed (exit ${code})`));
    });
  });
}

async function main() {
  const config = parseConfig(process.env);
  const dataDir = path.resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const authSecret = config.AUTH_SECRET ?? persistedSecret(path.join(dataDir, "auth-secret"), 32);
  const servicePassword = config.MQTT_SERVICE_PASSWORD ?? persistedSecret(path.join(dataDir, "mqtt-service-password"), 24);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    log(`no DATABASE_URL: starting the embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || "."}/postgres)`);
    const postgres: RunningPostgres = await startEmbeddedPostgres({ dataDir, database: "smart_dairy", log });
    cleanups.push(() => postgres.stop());
    databaseUrl = postgres.url;
  }
  process.env.DATABASE_URL = databaseUrl;

  await migrateDeploy(databaseUrl, log);
  const { getDb, disconnectDb } = await import("../lib/db");
  cleanups.push(disconnectDb);
  const db = getDb();

  // The demo seals secrets (a webhook URL) with the same key the web app and worker get.
  process.env.AUTH_SECRET ??= authSecret;
  if (config.DEMO) {
    const { seedDemoData } = await import("../prisma/seed");
    await seedDemoData(db, (line) => log(line));
  }

  let mqttUrl = config.MQTT_URL;
  if (!mqttUrl) {
    const { startEmbeddedBroker } = await import("../workers/embedded-broker");
    const port = await findFreePort();
    const broker = await startEmbeddedBroker({
      port,
      host: "0.0.0.0",
      db,
      serviceUsername: config.MQTT_SERVICE_USERNAME,
      servicePassword,
      log: (line) => log(`broker: ${line}`),
    });
    cleanups.push(() => broker.close());
    mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
    log(`no MQTT_URL: embedded MQTT broker on port ${broker.port} (devices authenticate with their credentials)`);
  }

  // No SMTP_URL: a local mail catcher in this process; the web app and worker send to it and the
  // Outbox page (/admin/outbox) shows what they sent. The file lets tools (e2e) find it.
  let smtpUrl = process.env.SMTP_URL?.trim() || undefined;
  let mailCatcher = "";
  if (!smtpUrl) {
    const { startMailCatcher } = await import("../lib/mail/mail-catcher");
    const catcher = await startMailCatcher({
      db,
      log: (line) => log(`mail catcher: ${line}`),
      onCaught: (mail) => log(`mail caught: "${mail.subject}" to ${mail.toAddrs.join(", ")} (Admin → Outbox)`),
    });
    const urlFile = path.join(dataDir, "mail-catcher-url");
    writeFileSync(urlFile, catcher.url);
    cleanups.push(async () => {
      rmSync(urlFile, { force: true });
      await catcher.close();
    });
    smtpUrl = catcher.url;
    mailCatcher = "catcher";
    log(`no SMTP_URL: mails are caught locally (${catcher.url}), see Admin → Outbox`);
  }

  // DATA_DIR may lie outside the project, so the project's .data folder may not exist yet.
  mkdirSync(path.dirname(EMBEDDED_STATE_FILE), { recursive: true });
  writeFileSync(EMBEDDED_STATE_FILE, JSON.stringify({ databaseUrl, mqttUrl, pid: process.pid }), { mode: 0o600 });
  cleanups.push(async () => rmSync(EMBEDDED_STATE_FILE, { force: true }));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    MQTT_URL: mqttUrl,
    MQTT_SERVICE_USERNAME: config.MQTT_SERVICE_USERNAME,
    MQTT_SERVICE_PASSWORD: servicePassword,
    MQTT_PROTOCOL_VERSION: String(config.MQTT_URL ? config.MQTT_PROTOCOL_VERSION : 4),
    SMTP_URL: smtpUrl,
    SDM_MAIL_CATCHER: mailCatcher,
    AUTH_SECRET: authSecret,
    NEXTAUTH_SECRET: authSecret,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const bin = (name: string) => path.resolve("node_modules", ".bin", name);

  // scripts/web-server.ts rather than `next start`: it tells the app each request's socket address.
  if (args.has("--dev")) {
    run("web", bin("tsx"), ["scripts/web-server.ts", "--dev"], env);
  } else {
    if (args.has("--rebuild") || buildIsStale()) {
      log("building the web app (first start or code changed; takes a minute or two)…");
      await runToEnd(bin("next"), ["build"], env);
    }
    run("web", bin("tsx"), ["scripts/web-server.ts"], env);
  }
  run("worker", bin("tsx"), [...WORKER_NODE_FLAGS, "workers/iot-worker.ts"], env);

  if (config.DEMO && config.SIMULATOR_DEVICES > 0) {
    const { ensureSimulatedFleet, fleetFilePath } = await import("../workers/simulator-fleet");
    const file = fleetFilePath(dataDir);
    const fleet = await ensureSimulatedFleet(db, file, config.SIMULATOR_DEVICES);
    // The simulated devices trust this server's firmware key, as real ones have it in their
    // bootloader: the same key file (DATA_DIR) or FIRMWARE_SIGNING_KEY the web app signs with.
    const { signingPublicKey } = await import("../lib/firmware/signing-key");
    const publicKeyFile = path.join(dataDir, "firmware-signing-public-key.pem");
    writeFileSync(publicKeyFile, signingPublicKey().pem);
    run(
      "simulator",
      bin("tsx"),
      [
        "workers/simulator.ts",
        ...["--fleet", file, "--devices", String(fleet.length), "--offline", "0.05", "--low-battery", "0.1", "--errors", "0.1"],
        ...["--public-key-file", publicKeyFile, "--ota-fail-version", config.SIMULATOR_OTA_FAIL_VERSIONS],
        ...["--ota-fail", String(config.SIMULATOR_OTA_FAIL_SHARE), "--ota-silent", String(config.SIMULATOR_OTA_SILENT_SHARE)],
      ],
      env,
    );
  }

  const url = `http://localhost:${config.PORT}`;
  if (await waitForHttp(`${url}/api/health`, 180_000)) {
    const { DEMO_USERS, DEMO_PASSWORD } = await import("../prisma/seed");
    console.log(
      [
        "",
        "  Smart Dairy Device Manager is running",
        `  → ${url}`,
        "",
        ...(config.DEMO ? ["  Demo logins (password for all: " + DEMO_PASSWORD + "):", ...DEMO_USERS.map((u) => `    ${u.role.padEnd(11)} ${u.email}`), ""] : []),
        "  Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  } else if (!stopping) {
    log(`the web app did not answer at ${url} within 3 minutes`);
    await shutdown(1);
  }
}

main().catch(async (error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error("[start] failed:", error instanceof Error ? error.message : error);
  await shutdown(1);
});
