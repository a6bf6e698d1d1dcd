/**
 * The local mail catcher as a process of its own (lib/mail/mail-catcher.ts), for
 * scripts/with-services.ts: the integration tests then send through a real SMTP server in another
 * process, as the web app and the worker do, and read what arrived from `caught_mails`.
 *
 *   DATABASE_URL=… tsx scripts/mail-catcher.ts [--port 2525] [--quiet]
 *
 * --quiet: no line per mail caught (failures are still printed). Prints one line `SMTP_URL=smtp://127.0.0.1:<port>` once it listens. Stops on SIGTERM / SIGINT, and
 * also when its standard input closes (the parent that started it with a pipe is gone), so a
 * crashed test run does not leave it behind.
 */
import { disconnectDb, getDb } from "../lib/db";
import { startMailCatcher } from "../lib/mail/mail-catcher";

const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;
const quiet = process.argv.includes("--quiet");

async function main() {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${process.argv[portArg + 1]}`);
  const catcher = await startMailCatcher({
    db: getDb(),
    port,
    log: (line) => console.error(`[mail-catcher] ${line}`),
    onCaught: quiet ? undefined : (mail) => console.error(`[mail-catcher] caught "${mail.subject}" to ${mail.toAddrs.join(", ")}`),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await catcher.close();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  if (!process.stdin.isTTY) {
    process.stdin.on("end", () => void stop());
    process.stdin.on("close", () => void stop());
    process.stdin.resume();
  }
  console.log(`SMTP_URL=${catcher.url}`);
}

main().catch(async (error) => {
  console.error(`[mail-catcher] failed: ${(error as Error).message}`);
  await disconnectDb().catch(() => undefined);
  process.exit(1);
});
