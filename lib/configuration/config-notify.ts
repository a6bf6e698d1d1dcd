/**
 * The web side's "configuration changed" (`SELECT pg_notify('sdm_config', '')` after it committed a
 * device version or a farm/group layer): the worker LISTENs on this channel and runs its config
 * sweep at once (materialize layer changes into versions, deliver pending ones). Only an
 * accelerator, as for commands (lib/commands/command-notify.ts): the engine also ticks on its own,
 * so a lost notification costs a tick, never a change.
 */
export const CONFIG_CHANNEL = "sdm_config";

/** Tells the worker that configuration changed (call it after the transaction committed). */
export async function notifyConfigChanged(sql: { query(text: string): Promise<unknown> } | { $executeRawUnsafe(text: string): Promise<unknown> }) {
  const text = `SELECT pg_notify('${CONFIG_CHANNEL}', '')`;
  if ("query" in sql) await sql.query(text);
  else await sql.$executeRawUnsafe(text);
}
