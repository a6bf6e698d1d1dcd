"use server";

/**
 * The command screens' mutations (the command center, the device page's Commands section and its
 * buttons). Each takes a plain object (or FormData, `parameters` then as JSON text) and leaves every
 * check to the domain functions: role, farm, catalogue and device state are judged on the server
 * whatever the form showed.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "../actions/define-action";
import { getDb } from "../db";
import { InvalidError } from "../errors";
import { cancelBatchRest, sendBulkCommandOnce } from "./bulk-commands";
import { cancelCommand } from "./command-queries";
import type { BatchView, CommandView } from "./command-schemas";
import { endDebugMode, startDebugMode } from "./debug-mode";
import { sendCommandOnce } from "./send-command";

type Input = FormData | Record<string, unknown>;

/** Checked for shape only: the domain function parses the rest with the API's schema. */
const anyFields = z.record(z.string(), z.unknown());
function deviceRef(value: unknown): string {
  const parsed = z.string().trim().min(1).max(50).safeParse(value);
  if (!parsed.success) throw new InvalidError("Unknown device.", { deviceId: ["Unknown device"] });
  return parsed.data;
}

/** A form sends parameters as JSON text; a component sends the object itself. */
function withParameters(fields: Record<string, unknown>): Record<string, unknown> {
  if (typeof fields.parameters !== "string") return fields;
  try {
    return { ...fields, parameters: fields.parameters.trim() ? JSON.parse(fields.parameters) : {} };
  } catch {
    throw new InvalidError("The parameters are not valid JSON.", { parameters: ["Not valid JSON"] });
  }
}

/** The form opened once, submitted twice (a double tap): the same key makes one command. */
function split(fields: Record<string, unknown>, ...own: string[]) {
  const rest: Record<string, unknown> = { ...fields };
  const picked: Record<string, unknown> = {};
  for (const name of ["idempotencyKey", ...own]) {
    picked[name] = rest[name];
    delete rest[name];
  }
  const key = typeof picked.idempotencyKey === "string" && picked.idempotencyKey ? picked.idempotencyKey : null;
  return { rest, picked, idempotencyKey: key };
}

function refreshDevice(deviceId: string) {
  revalidatePath(`/devices/${deviceId}`);
  revalidatePath("/diagnostics");
}

const send = defineAction({ permission: "devices.command", schema: anyFields }, async (fields, actor): Promise<CommandView> => {
  const { rest, picked, idempotencyKey } = split(fields, "deviceId");
  const deviceId = deviceRef(picked.deviceId);
  const command = (await sendCommandOnce(getDb(), actor, deviceId, withParameters(rest), { idempotencyKey })).command;
  refreshDevice(deviceId);
  return command;
});

/** `{ deviceId, command, parameters, confirm?, timeout_seconds?, expires_in_hours?, only_if_online?, idempotencyKey? }` */
export async function sendCommandAction(previous: ActionResult<CommandView> | null, input: Input): Promise<ActionResult<CommandView>> {
  return send(previous, input);
}

const sendBulk = defineAction({ permission: "devices.command", schema: anyFields }, async (fields, actor): Promise<BatchView> => {
  const { rest, idempotencyKey } = split(fields);
  const { batch } = await sendBulkCommandOnce(getDb(), actor, withParameters(rest), { idempotencyKey });
  revalidatePath("/diagnostics");
  return batch;
});

/** `{ command, parameters, confirm?, …, target: {deviceIds} | {groupId} | {filter}, description?, idempotencyKey? }` */
export async function sendBulkCommandAction(previous: ActionResult<BatchView> | null, input: Input): Promise<ActionResult<BatchView>> {
  return sendBulk(previous, input);
}

const cancelOne = defineAction({ permission: "devices.command", schema: z.object({ commandId: z.string().trim().min(1).max(64) }).loose() }, async ({ commandId }, actor): Promise<CommandView> => {
  const command = await cancelCommand(getDb(), actor, commandId);
  refreshDevice(command.device.id);
  return command;
});

/** `{ commandId }`: only a queued command. */
export async function cancelCommandAction(previous: ActionResult<CommandView> | null, input: FormData | { commandId: string }): Promise<ActionResult<CommandView>> {
  return cancelOne(previous, input);
}

const cancelRest = defineAction(
  { permission: "devices.command", schema: z.object({ batchId: z.coerce.number({ error: "Unknown batch." }).int().positive("Unknown batch.") }).loose() },
  async ({ batchId }, actor): Promise<{ cancelled: number; batch: BatchView }> => {
    const result = await cancelBatchRest(getDb(), actor, batchId);
    revalidatePath("/diagnostics");
    return result;
  },
);

/** `{ batchId }`: every command of the batch still queued becomes cancelled. */
export async function cancelBatchRestAction(previous: ActionResult<{ cancelled: number; batch: BatchView }> | null, input: FormData | { batchId: number | string }): Promise<ActionResult<{ cancelled: number; batch: BatchView }>> {
  return cancelRest(previous, input);
}

const debugOn = defineAction({ permission: "devices.command", schema: anyFields }, async (fields, actor): Promise<CommandView> => {
  const { rest, picked, idempotencyKey } = split(fields, "deviceId");
  const deviceId = deviceRef(picked.deviceId);
  const command = await startDebugMode(getDb(), actor, deviceId, rest, { idempotencyKey });
  refreshDevice(deviceId);
  return command;
});

/** `{ deviceId, level, duration_minutes }` */
export async function startDebugModeAction(previous: ActionResult<CommandView> | null, input: Input): Promise<ActionResult<CommandView>> {
  return debugOn(previous, input);
}

const debugOff = defineAction({ permission: "devices.command", schema: anyFields }, async (fields, actor): Promise<CommandView> => {
  const { picked, idempotencyKey } = split(fields, "deviceId");
  const deviceId = deviceRef(picked.deviceId);
  const command = await endDebugMode(getDb(), actor, deviceId, { idempotencyKey });
  refreshDevice(deviceId);
  return command;
});

/** `{ deviceId }` */
export async function endDebugModeAction(previous: ActionResult<CommandView> | null, input: Input): Promise<ActionResult<CommandView>> {
  return debugOff(previous, input);
}
