/**
 * The web side's "a command is waiting" (`SELECT pg_notify('sdm_commands', '')` after it committed
 * one): the worker LISTENs on a connection of its own and ticks the command engine at once. Only an
 * accelerator — the engine also ticks every 500 ms — so a lost connection is simply reopened.
 */
import pg from "pg";

export const COMMANDS_CHANNEL = "sdm_commands";

/** Tells the worker that commands wait (the web side calls it after committing them). */
export async function notifyCommandsWaiting(sql: { query(text: string): Promise<unknown> }) {
  await sql.query(`SELECT pg_notify('${COMMANDS_CHANNEL}', '')`);
}

export function listenForCommands(databaseUrl: string, onNotify: () => void, log: (line: string) => void): { close(): Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;

  const open = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl, application_name: "sdm-iot-worker-listen" });
    const reopen = () => {
      if (client !== next || closed) return;
      client = null;
      next.end().catch(() => undefined);
      retry = setTimeout(() => void open(), Math.min(30_000, 1_000 * 2 ** Math.min(failures++, 5)));
      retry.unref();
    };
    next.on("error", reopen);
    next.on("end", reopen);
    next.on("notification", (message) => {
      if (message.channel === COMMANDS_CHANNEL) onNotify();
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${COMMANDS_CHANNEL}`);
      if (failures > 0) log(`commands: listening on ${COMMANDS_CHANNEL} again`);
      failures = 0;
      // What was notified while not listening is found by this tick.
      onNotify();
    } catch (error) {
      if (failures === 0) log(`commands: cannot listen on ${COMMANDS_CHANNEL} (${error instanceof Error ? error.message : String(error)}); retrying, the engine's own ticks go on`);
      reopen();
    }
  };
  void open();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
