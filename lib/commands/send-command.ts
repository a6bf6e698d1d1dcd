/**
 * Sending one command to one device (I-013 §7 `send_command`): checked against the catalogue, the
 * device's type, farm and state, the sender's role, and what the device is doing (a firmware
 * update, being offline); then one queued row (plus its log bundle for get_logs) and an audit
 * line in one transaction. The worker's engine sends it; NOTIFY after the commit only wakes it up.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { commandSpec, commandsFor, parseParameters, roleReaches, type CommandSpec } from "./catalogue";
import { COMMAND_VIEW_SELECT, commandView } from "./command-queries";
import { sendCommandInput, type CommandView, type SendCommandInput } from "./command-schemas";

export type SendOptions = { idempotencyKey?: string | null; now?: Date };

/** The engine sends queued commands of devices in these connection states. */
export const REACHABLE = ["online", "degraded"] as const;
/** Firmware update states during which a disruptive command would break the update. */
export const UPDATING_DEVICE = ["downloading", "installing"] as const;
export const UPDATING_LOG = ["downloading", "installing", "verifying"] as const;

export const MAX_IDEMPOTENCY_KEY = 200;

export function assertMaySendCommands(actor: Actor) {
  if (!can(actor.role, "devices.command")) throw new ForbiddenError(`Your role (${actor.role}) does not allow devices.command.`);
}

export function parseSendInput<T>(schema: { safeParse: (raw: unknown) => { success: true; data: T } | { success: false; error: { issues: Parameters<typeof fieldErrorsFromIssues>[0] } } }, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidError("Check the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
  return parsed.data;
}

const typeWords = (type: string) => type.replace(/_/g, " ");

/** The command of the catalogue, if the device's type has it; else a 400 naming those it has. */
export function commandForType(name: string, deviceType: string): CommandSpec {
  const spec = commandSpec(name);
  const allowed = commandsFor(deviceType);
  if (!spec || !allowed.includes(spec)) {
    const names = allowed.map((command) => command.name).join(", ");
    throw new InvalidError(`${spec ? `A ${typeWords(deviceType)} has no command ${name}` : `Unknown command ${name}`}. Allowed for a ${typeWords(deviceType)}: ${names}.`, {
      command: [`Allowed: ${names}`],
    });
  }
  return spec;
}

/** Role, parameters and confirmation: the checks that need the command but not the device. */
export function checkCommandRequest(actor: Actor, spec: CommandSpec, input: Pick<SendCommandInput, "parameters" | "confirm">): Record<string, unknown> {
  if (!roleReaches(actor.role, spec.minRole)) throw new ForbiddenError(`${spec.label} takes the ${spec.minRole} role or higher; yours is ${actor.role}.`);
  const parameters = parseParameters(spec, input.parameters);
  if (!parameters.ok) throw new InvalidError(`The parameters of ${spec.name} are not valid.`, parameters.fieldErrors);
  if (spec.disruptive && input.confirm !== true) {
    throw new InvalidError(`${spec.label} disrupts the device: confirm it (confirm: true) to send it.`, { confirm: [`${spec.label} disrupts the device; confirm to send it`] });
  }
  return parameters.value;
}

export function idempotencyKeyOf(actor: Actor, key: string | null | undefined): string | null {
  if (key === undefined || key === null) return null;
  const trimmed = key.trim();
  if (!trimmed || trimmed.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new InvalidError(`Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY} visible ASCII characters.`, { "Idempotency-Key": ["1–200 visible ASCII characters"] });
  }
  return `${actor.kind}:${actor.id}:${trimmed}`;
}

/** JSON with sorted keys: two requests with the same fields in another order are the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export async function notifyEngine(db: Pick<Db, "$executeRaw">) {
  // An accelerator: the engine also ticks on its own, so a lost notification only costs a tick.
  await db.$executeRaw`SELECT pg_notify('sdm_commands', '')`;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

export type SendOutcome = { command: CommandView; created: boolean };

/** `deviceId` is the public id (MM001). Returns the queued command, or the one an earlier identical request made. */
export async function sendCommand(db: Db, actor: Actor, deviceId: string, raw: unknown, options: SendOptions = {}): Promise<CommandView> {
  return (await sendCommandOnce(db, actor, deviceId, raw, options)).command;
}

/** As sendCommand, and whether this call made the command (201) or replayed an earlier one (200). */
export async function sendCommandOnce(db: Db, actor: Actor, deviceId: string, raw: unknown, options: SendOptions = {}): Promise<SendOutcome> {
  assertMaySendCommands(actor);
  const input = parseSendInput(sendCommandInput, raw);
  const key = idempotencyKeyOf(actor, options.idempotencyKey);
  try {
    const outcome = await db.$transaction((tx) => queueCommand(tx, actor, deviceId, input, key, options.now ?? new Date()), { timeout: 20_000, maxWait: 10_000 });
    if (outcome.created) await notifyEngine(db);
    return outcome;
  } catch (error) {
    // Two identical requests at once: the second one's insert lost the race on the key.
    if (key && isUniqueViolation(error)) return db.$transaction((tx) => queueCommand(tx, actor, deviceId, input, key, options.now ?? new Date()));
    throw error;
  }
}

async function queueCommand(tx: Prisma.TransactionClient, actor: Actor, deviceId: string, input: SendCommandInput, key: string | null, now: Date): Promise<SendOutcome> {
  const scope = farmScope(actor);
  const device = await tx.device.findFirst({
    where: { deviceId, ...(scope !== null ? { farmId: scope } : {}) },
    select: { id: true, deviceId: true, deviceType: true, farmId: true, state: true, connectionStatus: true, firmwareUpdateStatus: true },
  });
  if (!device) throw new NotFoundError(`No device ${deviceId}.`);

  if (key) {
    const earlier = await tx.command.findUnique({ where: { idempotencyKey: key }, select: { ...COMMAND_VIEW_SELECT, deviceId: true } });
    if (earlier) {
      if (!sameRequest(earlier, device.id, input)) throw new ConflictError("This Idempotency-Key was used for a different request; use a new key for a new command.", { "Idempotency-Key": ["Used for a different request"] });
      return { command: commandView(earlier), created: false };
    }
  }

  if (device.state === "decommissioned") throw new ConflictError(`${device.deviceId} is retired; it takes no commands.`);
  const spec = commandForType(input.command, device.deviceType);
  const parameters = checkCommandRequest(actor, spec, input);
  if (spec.disruptive && (await updateRunning(tx, device))) {
    throw new ConflictError(`${device.deviceId} is installing a firmware update; ${spec.label.toLowerCase()} would break it. Try again when the update has finished.`);
  }
  if (input.only_if_online && !(REACHABLE as readonly string[]).includes(device.connectionStatus)) {
    throw new ConflictError(`${device.deviceId} is ${device.connectionStatus}, and the command was to be sent only if it is online.`, { only_if_online: ["The device is not online"] });
  }

  const created = await tx.command.create({
    data: {
      commandId: randomUUID(),
      deviceId: device.id,
      farmId: device.farmId,
      commandType: spec.name,
      parameters: parameters as Prisma.InputJsonObject,
      status: "queued",
      timeoutSeconds: input.timeout_seconds ?? spec.timeoutSeconds,
      expiresAt: new Date(now.getTime() + input.expires_in_hours * 3600_000),
      onlyIfOnline: input.only_if_online,
      requestedById: actor.kind === "user" ? actor.id : null,
      requestedBy: actor.label,
      idempotencyKey: key,
      createdAt: now,
    },
    select: { id: true },
  });
  if (spec.name === "get_logs") {
    await tx.deviceLogBundle.create({
      data: { deviceId: device.id, commandId: created.id, state: "awaiting_upload", logTypes: parameters.log_types as string[], timeRangeHours: parameters.time_range_hours as number },
    });
  }
  const command = commandView(await tx.command.findUniqueOrThrow({ where: { id: created.id }, select: COMMAND_VIEW_SELECT }));
  await recordAudit(tx, actor, {
    entityType: "device",
    entityId: device.deviceId,
    action: "command_sent",
    after: { command: spec.name, commandId: command.id, parameters: parameters as Prisma.InputJsonObject, ...(input.only_if_online ? { onlyIfOnline: true } : {}) },
  });
  return { command, created: true };
}

/** The same device, command, parameters (defaults filled), timeout, expiry and "only if online". */
function sameRequest(
  earlier: { deviceId: number; commandType: string; parameters: Prisma.JsonValue; timeoutSeconds: number; onlyIfOnline: boolean; createdAt: Date; expiresAt: Date },
  devicePk: number,
  input: SendCommandInput,
): boolean {
  const spec = commandSpec(input.command);
  const parsed = spec ? parseParameters(spec, input.parameters) : null;
  if (!spec || !parsed?.ok) return false;
  const hours = Math.round((earlier.expiresAt.getTime() - earlier.createdAt.getTime()) / 3600_000);
  return (
    earlier.deviceId === devicePk &&
    earlier.commandType === spec.name &&
    canonicalJson(earlier.parameters) === canonicalJson(parsed.value) &&
    earlier.timeoutSeconds === (input.timeout_seconds ?? spec.timeoutSeconds) &&
    earlier.onlyIfOnline === input.only_if_online &&
    hours === input.expires_in_hours
  );
}

/** downloading/installing on the device, or an update log of it in flight. */
async function updateRunning(tx: Prisma.TransactionClient, device: { id: number; firmwareUpdateStatus: string }): Promise<boolean> {
  if ((UPDATING_DEVICE as readonly string[]).includes(device.firmwareUpdateStatus)) return true;
  return (await tx.updateLog.count({ where: { deviceId: device.id, state: { in: [...UPDATING_LOG] } } })) > 0;
}
