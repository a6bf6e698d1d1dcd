/**
 * One command to many devices (a selection, a group, a list filter): the devices that cannot take
 * it are skipped and counted by reason, the rest get one queued command each, inserted by one
 * INSERT … SELECT with the batch that groups them. The engine sends them at its bounded rate; the
 * progress view counts their statuses, and "cancel the rest" takes back what is still queued.
 */
import type { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { deviceWhere, parseDeviceListQuery } from "../devices/device-list";
import { BULK_LIMIT } from "../devices/device-bulk";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { BULK_COMMAND_ROLE, commandSpec, isAllowedFor, roleReaches } from "./catalogue";
import { bulkCommandInput, COMMAND_STATUSES, type BatchView, type BulkCommandInput, type CommandStatusName, type CommandTarget } from "./command-schemas";
import { assertMaySendCommands, canonicalJson, checkCommandRequest, idempotencyKeyOf, notifyEngine, parseSendInput, UPDATING_DEVICE, UPDATING_LOG, type SendOptions } from "./send-command";

export const SKIP_REASONS = {
  wrong_type: "its type has no such command",
  retired: "retired",
  updating: "a firmware update is running",
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

type Candidate = { id: number; deviceId: string; deviceType: string; farmId: number; state: string; firmwareUpdateStatus: string };

/** The devices the target names, within the actor's farm; named ids that do not exist (or not for the actor) are a 400. */
async function candidates(tx: Prisma.TransactionClient, actor: Actor, target: CommandTarget): Promise<{ devices: Candidate[]; label: string }> {
  const select = { id: true, deviceId: true, deviceType: true, farmId: true, state: true, firmwareUpdateStatus: true } as const;
  const scope = farmScope(actor);
  if ("deviceIds" in target) {
    const devices = await tx.device.findMany({ where: { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) }, select, orderBy: { id: "asc" } });
    const found = new Set(devices.map((device) => device.deviceId));
    const missing = target.deviceIds.filter((id) => !found.has(id));
    if (missing.length) throw new InvalidError(`Not found: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""}.`, { target: ["Unknown devices"] });
    return { devices, label: `${devices.length} selected device${devices.length === 1 ? "" : "s"}` };
  }
  let filter: Record<string, unknown>;
  let label: string;
  if ("groupId" in target) {
    const group = await tx.deviceGroup.findUnique({ where: { id: target.groupId }, select: { name: true, farmId: true, farm: { select: { name: true } } } });
    if (!group || (scope !== null && group.farmId !== null && group.farmId !== scope)) throw new InvalidError("Unknown group.", { "target.groupId": ["Unknown group"] });
    filter = { group: target.groupId };
    label = `Group ${group.name}${group.farm ? ` (${group.farm.name})` : ""}`;
  } else {
    filter = target.filter;
    label = "Devices matching a list filter";
  }
  // The list hides retired devices; bulk commands count them as skipped instead.
  const where = await deviceWhere(tx, actor, { ...parseDeviceListQuery(filter), retired: true });
  const devices = await tx.device.findMany({ where, select, orderBy: { id: "asc" }, take: BULK_LIMIT + 1 });
  if (devices.length > BULK_LIMIT) throw new InvalidError(`The target matches more than ${BULK_LIMIT.toLocaleString("en")} devices. Narrow it first.`, { target: ["Too many devices"] });
  return { devices, label };
}

/** Which candidates cannot take the command, and why (first reason wins). */
export function skipReason(device: Candidate, command: string, disruptive: boolean, updating: ReadonlySet<number>): SkipReason | null {
  if (device.state === "decommissioned") return "retired";
  if (!isAllowedFor(command, device.deviceType)) return "wrong_type";
  if (disruptive && ((UPDATING_DEVICE as readonly string[]).includes(device.firmwareUpdateStatus) || updating.has(device.id))) return "updating";
  return null;
}

export async function sendBulkCommand(db: Db, actor: Actor, raw: unknown, options: SendOptions = {}): Promise<BatchView> {
  return (await sendBulkCommandOnce(db, actor, raw, options)).batch;
}

export async function sendBulkCommandOnce(db: Db, actor: Actor, raw: unknown, options: SendOptions = {}): Promise<{ batch: BatchView; created: boolean }> {
  assertMaySendCommands(actor);
  if (!roleReaches(actor.role, BULK_COMMAND_ROLE)) throw new ForbiddenError(`Sending a command to many devices at once takes the ${BULK_COMMAND_ROLE} role or higher; yours is ${actor.role}.`);
  const input = parseSendInput(bulkCommandInput, raw);
  const spec = commandSpec(input.command);
  if (!spec) throw new InvalidError(`Unknown command ${input.command}.`, { command: ["Unknown command"] });
  const parameters = checkCommandRequest(actor, spec, input);
  const key = idempotencyKeyOf(actor, options.idempotencyKey);
  const now = options.now ?? new Date();

  const outcome = await db.$transaction(
    async (tx) => {
      if (key) {
        const earlier = await tx.commandBatch.findUnique({ where: { idempotencyKey: key }, select: { id: true, commandType: true, parameters: true, selection: true } });
        if (earlier) {
          if (earlier.commandType !== spec.name || canonicalJson(earlier.parameters) !== canonicalJson(parameters) || canonicalJson(earlier.selection) !== canonicalJson(input.target)) {
            throw new ConflictError("This Idempotency-Key was used for a different request; use a new key for a new command.", { "Idempotency-Key": ["Used for a different request"] });
          }
          return { batchId: earlier.id, created: false };
        }
      }
      const { devices, label } = await candidates(tx, actor, input.target);
      const updating = spec.disruptive ? await updatingDevices(tx, devices.map((device) => device.id)) : new Set<number>();
      const skipped: Partial<Record<SkipReason, number>> = {};
      const included: Candidate[] = [];
      for (const device of devices) {
        const reason = skipReason(device, spec.name, spec.disruptive, updating);
        if (reason) skipped[reason] = (skipped[reason] ?? 0) + 1;
        else included.push(device);
      }
      if (included.length === 0) {
        const why = Object.entries(skipped).map(([reason, count]) => `${count} ${SKIP_REASONS[reason as SkipReason]}`);
        throw new InvalidError(devices.length ? `None of the ${devices.length} devices can take ${spec.name} (${why.join("; ")}).` : "No device matches the target.", { target: [devices.length ? "No device can take this command" : "No device matches"] });
      }
      const farms = new Set(included.map((device) => device.farmId));
      const batch = await tx.commandBatch.create({
        data: {
          commandType: spec.name,
          parameters: parameters as Prisma.InputJsonObject,
          farmId: farms.size === 1 ? [...farms][0]! : null,
          selection: input.target as Prisma.InputJsonObject,
          description: (input.description || `${spec.label}: ${label}`).slice(0, 300),
          total: included.length,
          skipped,
          requestedById: actor.kind === "user" ? actor.id : null,
          requestedBy: actor.label,
          idempotencyKey: key,
          createdAt: now,
        },
        select: { id: true },
      });
      await insertCommands(tx, actor, batch.id, spec.name, parameters, input, spec.timeoutSeconds, included, now);
      await recordAudit(tx, actor, {
        entityType: "command_batch",
        entityId: String(batch.id),
        action: "command_sent",
        after: { command: spec.name, parameters: parameters as Prisma.InputJsonObject, devices: included.length, skipped, target: input.target as Prisma.InputJsonObject },
      });
      return { batchId: batch.id, created: true };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  if (outcome.created) await notifyEngine(db);
  return { batch: await batchProgress(db, actor, outcome.batchId), created: outcome.created };
}

async function updatingDevices(tx: Prisma.TransactionClient, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await tx.$queryRaw<{ device_id: number }[]>`
    SELECT DISTINCT device_id FROM update_logs WHERE device_id = ANY(${ids}::int[]) AND state::text = ANY(${[...UPDATING_LOG]}::text[])`;
  return new Set(rows.map((row) => row.device_id));
}

/** Commands, log bundles (get_logs) and each device's history line: one statement each, whatever the count. */
async function insertCommands(
  tx: Prisma.TransactionClient,
  actor: Actor,
  batchId: number,
  command: string,
  parameters: Record<string, unknown>,
  input: BulkCommandInput,
  defaultTimeout: number,
  devices: Candidate[],
  now: Date,
) {
  const ids = devices.map((device) => device.id);
  const expiresAt = new Date(now.getTime() + input.expires_in_hours * 3600_000);
  const parametersJson = JSON.stringify(parameters);
  await tx.$executeRaw`
    INSERT INTO commands (command_id, device_id, farm_id, command_type, parameters, status, timeout_seconds, expires_at, only_if_online, requested_by_id, requested_by, batch_id, created_at)
    SELECT gen_random_uuid()::text, d.id, d.farm_id, ${command}, ${parametersJson}::jsonb, 'queued'::"CommandStatus", ${input.timeout_seconds ?? defaultTimeout}::int, ${expiresAt}::timestamptz,
           ${input.only_if_online}::boolean, ${actor.kind === "user" ? actor.id : null}::int, ${actor.label}, ${batchId}::int, ${now}::timestamptz
      FROM devices d WHERE d.id = ANY(${ids}::int[]) ORDER BY d.id`;
  if (command === "get_logs") {
    await tx.$executeRaw`
      INSERT INTO device_log_bundles (device_id, command_id, state, log_types, time_range_hours)
      SELECT c.device_id, c.id, 'awaiting_upload'::"LogBundleState", ${parameters.log_types as string[]}::text[], ${parameters.time_range_hours as number}::int
        FROM commands c WHERE c.batch_id = ${batchId}::int`;
  }
  const after = JSON.stringify({ command, batchId, parameters });
  await tx.$executeRaw`
    INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, after, created_at)
    SELECT 'device', d.device_id, 'command_sent', ${actor.kind === "user" ? actor.id : null}::int, ${actor.label}, ${after}::jsonb, ${now}::timestamptz
      FROM devices d WHERE d.id = ANY(${ids}::int[])`;
}

async function visibleBatch(db: Pick<Db, "commandBatch">, actor: Actor, batchId: number) {
  const scope = farmScope(actor);
  const batch = Number.isInteger(batchId) && batchId > 0 ? await db.commandBatch.findUnique({ where: { id: batchId } }) : null;
  // A batch spanning farms belongs to no one farm: a farm-bound caller does not see it.
  if (!batch || (scope !== null && batch.farmId !== scope)) throw new NotFoundError("No such batch.");
  return batch;
}

/** Counts per status, late answers, first send and latest answer: what the progress view polls. */
export async function batchProgress(db: Pick<Db, "commandBatch" | "$queryRaw">, actor: Actor, batchId: number): Promise<BatchView> {
  const batch = await visibleBatch(db, actor, batchId);
  const rows = await db.$queryRaw<{ status: CommandStatusName; count: bigint; late: bigint; started_at: Date | null; last_answer_at: Date | null }[]>`
    SELECT status::text AS status, count(*) AS count, count(*) FILTER (WHERE late) AS late, min(sent_at) AS started_at, max(completed_at) AS last_answer_at
      FROM commands WHERE batch_id = ${batch.id}::int GROUP BY status`;
  const counts = Object.fromEntries(COMMAND_STATUSES.map((status) => [status, 0])) as Record<CommandStatusName, number>;
  let late = 0;
  let startedAt: Date | null = null;
  let lastAnswerAt: Date | null = null;
  for (const row of rows) {
    counts[row.status] = Number(row.count);
    late += Number(row.late);
    if (row.started_at && (!startedAt || row.started_at < startedAt)) startedAt = row.started_at;
    // a cancelled or expired command has completed_at too, but it is no answer
    if (row.last_answer_at && ["completed", "failed"].includes(row.status) && (!lastAnswerAt || row.last_answer_at > lastAnswerAt)) lastAnswerAt = row.last_answer_at;
  }
  return {
    id: batch.id,
    command: batch.commandType,
    label: commandSpec(batch.commandType)?.label ?? batch.commandType,
    parameters: (batch.parameters ?? {}) as Record<string, unknown>,
    description: batch.description,
    farmId: batch.farmId,
    total: batch.total,
    skipped: (batch.skipped ?? {}) as Record<string, number>,
    requestedBy: batch.requestedBy,
    createdAt: batch.createdAt.toISOString(),
    cancelledAt: batch.cancelledAt?.toISOString() ?? null,
    counts,
    late,
    startedAt: startedAt?.toISOString() ?? null,
    lastAnswerAt: lastAnswerAt?.toISOString() ?? null,
    open: counts.queued + counts.sent + counts.executing,
  };
}

/** Takes back every command of the batch not sent yet; those already out run their course. */
export async function cancelBatchRest(db: Db, actor: Actor, batchId: number, now = new Date()): Promise<{ cancelled: number; batch: BatchView }> {
  assertMaySendCommands(actor);
  if (!roleReaches(actor.role, BULK_COMMAND_ROLE)) throw new ForbiddenError(`Cancelling a bulk command takes the ${BULK_COMMAND_ROLE} role or higher; yours is ${actor.role}.`);
  const cancelled = await db.$transaction(async (tx) => {
    const batch = await visibleBatch(tx, actor, batchId);
    const count = await tx.$executeRaw`
      UPDATE commands SET status = 'cancelled', completed_at = ${now}::timestamptz, error_message = ${`Cancelled by ${actor.label} before it was sent`}
       WHERE batch_id = ${batch.id}::int AND status = 'queued'`;
    await tx.commandBatch.update({ where: { id: batch.id }, data: { cancelledAt: batch.cancelledAt ?? now } });
    await recordAudit(tx, actor, { entityType: "command_batch", entityId: String(batch.id), action: "command_cancelled", after: { cancelled: count } });
    return count;
  });
  return { cancelled, batch: await batchProgress(db, actor, batchId) };
}
