/**
 * Reading commands: the command center (every command the actor's farms were sent, newest first,
 * keyset pages so the millionth row costs what the first does), one command, a device's history,
 * and cancelling a command that has not gone out yet.
 */
import type { Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { commandSpec } from "./catalogue";
import { commandListQuery, upperBound, type CommandListQuery, type CommandPage, type CommandStatusName, type CommandView } from "./command-schemas";

type Reader = Pick<Db, "command" | "device">;

export const COMMAND_VIEW_SELECT = {
  id: true,
  commandId: true,
  commandType: true,
  parameters: true,
  status: true,
  late: true,
  result: true,
  errorMessage: true,
  timeoutSeconds: true,
  expiresAt: true,
  onlyIfOnline: true,
  requestedBy: true,
  batchId: true,
  createdAt: true,
  sentAt: true,
  executingAt: true,
  completedAt: true,
  device: { select: { deviceId: true, name: true, deviceType: true } },
  logBundle: { select: { id: true } },
} satisfies Prisma.CommandSelect;

type CommandRow = Prisma.CommandGetPayload<{ select: typeof COMMAND_VIEW_SELECT }>;

const iso = (at: Date | null) => (at ? at.toISOString() : null);
const object = (value: Prisma.JsonValue | null): Record<string, unknown> | null => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

export function commandView(row: CommandRow): CommandView {
  return {
    id: row.commandId,
    device: { id: row.device.deviceId, name: row.device.name, type: row.device.deviceType },
    command: row.commandType,
    label: commandSpec(row.commandType)?.label ?? row.commandType,
    parameters: object(row.parameters) ?? {},
    status: row.status as CommandStatusName,
    late: row.late,
    result: object(row.result),
    error: row.errorMessage,
    timeoutSeconds: row.timeoutSeconds,
    expiresAt: row.expiresAt.toISOString(),
    onlyIfOnline: row.onlyIfOnline,
    requestedBy: row.requestedBy,
    batchId: row.batchId,
    logBundleId: row.logBundle?.id ?? null,
    createdAt: row.createdAt.toISOString(),
    sentAt: iso(row.sentAt),
    executingAt: iso(row.executingAt),
    completedAt: iso(row.completedAt),
  };
}

/** Cursor of keyset pagination: the last row's (created_at, id), opaque to callers. */
export function encodeCursor(createdAt: Date, id: number): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: number } | null {
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  const rowId = Number(id);
  if (extra !== undefined || Number.isNaN(createdAt.getTime()) || !Number.isInteger(rowId) || rowId <= 0) return null;
  return { createdAt, id: rowId };
}

/** Parse the URL filters; a bad one is a 400 naming it, never a silent default. */
export function parseCommandListQuery(raw: Record<string, unknown>): CommandListQuery {
  const parsed = commandListQuery.safeParse(raw);
  if (!parsed.success) throw new InvalidError("The command filter is not valid.", fieldErrorsFromIssues(parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(0, 1) }))));
  return parsed.data;
}

function assertMayRead(actor: Actor) {
  if (!can(actor.role, "devices.read")) throw new ForbiddenError(`Your role (${actor.role}) does not allow devices.read.`);
}

/** The filters as a Prisma where, always inside the actor's farm (commands.farm_id: no join). */
export function commandWhere(actor: Actor, query: Omit<CommandListQuery, "cursor" | "limit">): Prisma.CommandWhereInput {
  const and: Prisma.CommandWhereInput[] = [];
  const scope = farmScope(actor);
  if (scope !== null) and.push({ farmId: scope });
  // A farm-bound caller's own farm is already the scope; another farm's filter matches nothing.
  if (query.farm) and.push({ farmId: query.farm });
  if (query.device) and.push({ device: { deviceId: query.device } });
  if (query.type?.length) and.push({ device: { deviceType: { in: query.type } } });
  if (query.command?.length) and.push({ commandType: { in: query.command } });
  if (query.status?.length) and.push({ status: { in: query.status } });
  if (query.sender) and.push({ requestedBy: query.sender });
  if (query.batch) and.push({ batchId: query.batch });
  if (query.from) and.push({ createdAt: { gte: new Date(query.from) } });
  if (query.to) and.push({ createdAt: { lt: upperBound(query.to) } });
  return and.length ? { AND: and } : {};
}

export async function listCommands(db: Reader, actor: Actor, raw: CommandListQuery | Record<string, unknown>): Promise<CommandPage> {
  assertMayRead(actor);
  const query = parseCommandListQuery(raw as Record<string, unknown>);
  const where = commandWhere(actor, query);
  const and: Prisma.CommandWhereInput[] = [where];
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    if (!cursor) throw new InvalidError("The command filter is not valid.", { cursor: ["Unknown cursor: use the nextCursor of the previous page"] });
    // `created_at <= c` bounds the index range; the OR only breaks ties within one millisecond.
    and.push({ createdAt: { lte: cursor.createdAt } }, { OR: [{ createdAt: { lt: cursor.createdAt } }, { id: { lt: cursor.id } }] });
  }
  const rows = await db.command.findMany({ where: { AND: and }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit + 1, select: COMMAND_VIEW_SELECT });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(commandView), nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

async function findVisible(db: Reader, actor: Actor, commandId: string) {
  const scope = farmScope(actor);
  const row = await db.command.findFirst({ where: { commandId, ...(scope !== null ? { farmId: scope } : {}) }, select: COMMAND_VIEW_SELECT });
  if (!row) throw new NotFoundError("No such command.");
  return row;
}

/** One command by its public id; another farm's is "not found", like a missing one. */
export async function getCommand(db: Reader, actor: Actor, commandId: string): Promise<CommandView> {
  assertMayRead(actor);
  return commandView(await findVisible(db, actor, commandId));
}

/** The device page's history: its latest commands, newest first. */
export async function deviceCommands(db: Reader, actor: Actor, deviceId: string, limit = 20): Promise<CommandView[]> {
  assertMayRead(actor);
  const scope = farmScope(actor);
  const device = await db.device.findFirst({ where: { deviceId, ...(scope !== null ? { farmId: scope } : {}) }, select: { id: true } });
  if (!device) throw new NotFoundError(`No device ${deviceId}.`);
  const rows = await db.command.findMany({ where: { deviceId: device.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: Math.min(Math.max(limit, 1), 200), select: COMMAND_VIEW_SELECT });
  return rows.map(commandView);
}

/**
 * Only a queued command can be taken back: once sent the device may already be acting on it, and
 * pretending otherwise would hide what it did.
 */
export async function cancelCommand(db: Db, actor: Actor, commandId: string, now = new Date()): Promise<CommandView> {
  if (!can(actor.role, "devices.command")) throw new ForbiddenError(`Your role (${actor.role}) does not allow devices.command.`);
  return db.$transaction(async (tx) => {
    const row = await findVisible(tx, actor, commandId);
    const cancelled = await tx.command.updateMany({ where: { id: row.id, status: "queued" }, data: { status: "cancelled", completedAt: now, errorMessage: `Cancelled by ${actor.label} before it was sent` } });
    if (cancelled.count === 0) {
      const current = await tx.command.findUniqueOrThrow({ where: { id: row.id }, select: { status: true } });
      throw new ConflictError(`Only a queued command can be cancelled; this one is ${current.status}.`);
    }
    // A get_logs taken back will never upload: its bundle says so rather than waiting forever.
    await tx.deviceLogBundle.updateMany({ where: { commandId: row.id, state: "awaiting_upload" }, data: { state: "failed" } });
    await recordAudit(tx, actor, { entityType: "device", entityId: row.device.deviceId, action: "command_cancelled", after: { command: row.commandType, commandId } });
    return commandView(await tx.command.findUniqueOrThrow({ where: { id: row.id }, select: COMMAND_VIEW_SELECT }));
  });
}
