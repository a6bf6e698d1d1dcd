/**
 * Runs a command (the integration tests) against real services: a fresh, migrated database and an
 * MQTT broker, and an SMTP server. Uses the machine's PostgreSQL / broker / mail server when
 * DATABASE_URL / MQTT_URL / SMTP_URL are set, and otherwise the embedded ones the product itself
 * starts (the mail catcher as a process of its own; SDM_MAIL_CATCHER=catcher tells the tests).
 * The fresh database is dropped afterwards.
 *
 *   tsx scripts/with-services.ts vitest run --config vitest.integration.config.ts
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseConfig } from "../lib/config/env";
import { newSecret } from "../lib/provisioning/credentials";
import { smtpHost } from "../lib/mail/mail-transport-info";
import { findFreePort } from "../lib/services/free-port";
import { adminUrlFor, dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from "../lib/services/embedded-postgres";
import { migrateDeploy } from "../lib/services/migrate";

const log = (line: string) => console.log(`[services] ${line}`);
const command = process.argv.slice(2);
if (command.length === 0) {
  console.error("usage: tsx scripts/with-services.ts <command> [args…]");
  process.exit(2);
}

async function main() {
  const config = parseConfig(process.env);
  const database = `sdm_test_${process.pid}_${Date.now().toString(36)}`;
  const cleanups: (() => Promise<void>)[] = [];
  let exitCode = 1;
  try {
    let databaseUrl: string;
    let adminUrl: string;
    if (config.DATABASE_URL) {
      adminUrl = adminUrlFor(config.DATABASE_URL);
      await ensureDatabase(adminUrl, database);
      databaseUrl = withDatabase(config.DATABASE_URL, database);
      log(`PostgreSQL: ${new URL(config.DATABASE_URL).host} (external), fresh database ${database}`);
    } else {
      const postgres = await startEmbeddedPostgres({ dataDir: path.resolve(config.DATA_DIR, "test"), database, log });
      cleanups.push(() => postgres.stop());
      databaseUrl = postgres.url;
      adminUrl = postgres.adminUrl;
      log(`PostgreSQL: embedded, fresh database ${database}`);
    }
    cleanups.push(() => dropDatabase(adminUrl, database));
    await migrateDeploy(databaseUrl, log);
    process.env.DATABASE_URL = databaseUrl;

    const serviceUsername = config.MQTT_SERVICE_USERNAME;
    const servicePassword = config.MQTT_SERVICE_PASSWORD ?? newSecret(18);
    let mqttUrl = config.MQTT_URL;
    let broker = "external";
    if (!mqttUrl) {
      const { startEmbeddedBroker } = await import("../workers/embedded-broker");
      const { getDb, disconnectDb } = await import("../lib/db");
      const running = await startEmbeddedBroker({ port: await findFreePort(), db: getDb(), serviceUsername, servicePassword });
      cleanups.push(async () => {
        await running.close();
        await disconnectDb();
      });
      mqttUrl = `mqtt://127.0.0.1:${running.port}`;
      broker = "embedded";
    }
    log(`MQTT: ${mqttUrl} (${broker})`);

    // Mail: the environment's SMTP server, else the local catcher as a process of its own writing
    // to this database, so tests send through real SMTP and read what arrived (caught_mails).
    let smtpUrl = process.env.SMTP_URL?.trim() || undefined;
    let mailCatcher = "external";
    if (!smtpUrl) {
      const { startMailCatcherProcess } = await import("../lib/mail/catcher-process");
      const catcher = await startMailCatcherProcess({ databaseUrl });
      cleanups.push(() => catcher.stop());
      smtpUrl = catcher.url;
      mailCatcher = "catcher";
    }
    log(`SMTP: ${mailCatcher === "catcher" ? `${smtpUrl} (local mail catcher)` : `${smtpHost(smtpUrl)} (external)`}`);

    exitCode = await new Promise<number>((resolve) => {
      const child = spawn(command[0]!, command.slice(1), {
        stdio: "inherit",
        env: { ...process.env, DATABASE_URL: databaseUrl, MQTT_URL: mqttUrl, MQTT_SERVICE_USERNAME: serviceUsername, MQTT_SERVICE_PASSWORD: servicePassword, MQTT_PROTOCOL_VERSION: String(broker === "embedded" ? 4 : config.MQTT_PROTOCOL_VERSION), SDM_BROKER: broker, SMTP_URL: smtpUrl, SDM_MAIL_CATCHER: mailCatcher },
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      child.on("error", (error) => {
        console.error(error.message);
        resolve(1);
      });
    });
  } catch (error) {
    console.error("[services] failed:", error instanceof Error ? error.message : error);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`cleanup: ${(error as Error).message}`));
  }
  process.exit(exitCode);
}

void main();
