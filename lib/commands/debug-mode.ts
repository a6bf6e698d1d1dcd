/**
 * Debug mode (I-013 §7.2): a device logs at a chosen level for N minutes. Both ends are
 * set_debug_level commands; the device's fields (debug_level, debug_until) change when the device
 * confirms, and the engine ends it at debug_until whatever the device does.
 */
import { z } from "zod";
import type { Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { DEBUG_LEVELS } from "./catalogue";
import type { CommandView } from "./command-schemas";
import { assertMaySendCommands, parseSendInput, sendCommand, type SendOptions } from "./send-command";

export const debugModeInput = z
  .object({
    level: z.enum(DEBUG_LEVELS.filter((level) => level !== "info") as [string, ...string[]], { error: `Pick a level: ${DEBUG_LEVELS.filter((level) => level !== "info").join(", ")}` }).default("debug"),
    duration_minutes: z.preprocess(
      (value) => (value === "" || value === null ? undefined : typeof value === "string" ? Number(value) : value),
      z.number({ error: "The duration must be a number" }).int("Whole minutes").min(1, "At least 1 minute").max(240, "At most 240 minutes (4 h)").default(30),
    ),
  })
  .strict();
export type DebugModeInput = z.infer<typeof debugModeInput>;

export async function startDebugMode(db: Db, actor: Actor, deviceId: string, raw: unknown, options: SendOptions = {}): Promise<CommandView> {
  assertMaySendCommands(actor);
  const input = parseSendInput(debugModeInput, raw);
  return sendCommand(db, actor, deviceId, { command: "set_debug_level", parameters: { level: input.level, duration_minutes: input.duration_minutes } }, options);
}

/**
 * Back to info now. A set_debug_level still waiting to go out (device offline) is taken back
 * first, so the device does not switch debug on after being told to switch it off.
 */
export async function endDebugMode(db: Db, actor: Actor, deviceId: string, options: SendOptions = {}): Promise<CommandView> {
  assertMaySendCommands(actor);
  const command = await sendCommand(db, actor, deviceId, { command: "set_debug_level", parameters: { level: "info", duration_minutes: 30 } }, options);
  const now = new Date();
  const superseded = await db.command.updateMany({
    where: { device: { deviceId }, commandType: "set_debug_level", status: "queued", commandId: { not: command.id }, createdAt: { lte: new Date(command.createdAt) } },
    data: { status: "cancelled", completedAt: now, errorMessage: `Superseded: ${actor.label} ended debug mode` },
  });
  if (superseded.count) await recordAudit(db, actor, { entityType: "device", entityId: deviceId, action: "command_cancelled", after: { command: "set_debug_level", superseded: superseded.count } });
  return command;
}
