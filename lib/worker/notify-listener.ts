/**
 * The web side's kicks to the worker's engines (`SELECT pg_notify('<channel>', '')` after a commit):
 * the worker LISTENs on a connection of its own per channel and ticks the engine at once. Only an
 * accelerator — every engine also ticks on its own timer — so a lost connection is simply reopened,
 * and a (re)opened one kicks once for what was notified while it was not listening.
 */
import pg from "pg";

export function listenForNotify(
  databaseUrl: string,
  channel: string,
  onNotify: () => void,
  log: (line: string) => void,
  /** Names the engine in log lines ("commands", "config"). */
  label: string,
): { close(): Promise<void> } {
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
      if (message.channel === channel) onNotify();
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      if (failures > 0) log(`${label}: listening on ${channel} again`);
      failures = 0;
      // What was notified while not listening is found by this tick.
      onNotify();
    } catch (error) {
      if (failures === 0) log(`${label}: cannot listen on ${channel} (${error instanceof Error ? error.message : String(error)}); retrying, the engine's own ticks go on`);
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
