/**
 * The web side's "a command is waiting" (`SELECT pg_notify('sdm_commands', '')` after it committed
 * one): the worker LISTENs (lib/worker/notify-listener.ts) and ticks the command engine at once. Only an
 * accelerator — the engine also ticks every 500 ms.
 */
import { listenForNotify } from "../worker/notify-listener";

export const COMMANDS_CHANNEL = "sdm_commands";

/** Tells the worker that commands wait (the web side calls it after committing them). */
export async function notifyCommandsWaiting(sql: { query(text: string): Promise<unknown> }) {
  await sql.query(`SELECT pg_notify('${COMMANDS_CHANNEL}', '')`);
}

export function listenForCommands(databaseUrl: string, onNotify: () => void, log: (line: string) => void): { close(): Promise<void> } {
  return listenForNotify(databaseUrl, COMMANDS_CHANNEL, onNotify, log, "commands");
}
