/**
 * One command to many devices (a selection, a group, a list filter): the devices that cannot take
 * it are skipped and counted by reason, the rest get one queued command each, inserted by one
 * INSERT … SELECT with the batch that groups them. The engine sends them at its bounded rate; the
 * progress view counts their statuses, and "cancel the rest" takes back what is still queued.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import { auditWho, recordAudit } from "../audit/record";
import type { Db } from "../db";
import { deviceWhere, parseDeviceListQuery } from "../devices/device-list";
import { BULK_LIMIT } from "../devices/device-bulk";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { BULK_COMMAND_ROLE, commandSpec, DEVICE_TYPES, isAllowedFor, roleReaches, type CommandSpec } from "./catalogue";
import { bulkCommandInput, COMMAND_STATUSES, type BatchView, type BulkCommandInput, type CommandStatusName, type CommandTarget } from "./command-schemas";
import { assertMaySendCommands, canonicalJson, checkCommandRequest, idempotencyKeyOf, notifyEngine, parseSendInput, UPDATING_DEVICE, UPDATING_LOG, type SendOptions } from "./send-command";

export const SKIP_REASONS = {
  wrong_type: "its type has no such command",
  retired: "retired",
  updating: "a firmware update is running",
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** The device types that have the command (the catalogue's "all" is every type). */
export function typesWith(command: string): string[] {
  return DEVICE_TYPES.filter((type) => isAllowedFor(command, type));
}

/**
 * Which devices may take the command, as SQL over `devices d`: not retired, of a type that has it,
 * and for a disruptive command not in a firmware update. The skip counts and the insert use the
 * same condition, so they cannot disagree.
 */
function eligible(command: string, disruptive: boolean): Prisma.Sql {
  const updating = disruptive
    ? Prisma.sql`AND d.firmware_update_status::text <> ALL(${[...UPDATING_DEVICE]}::text[])
                 AND NOT EXISTS (SELECT 1 FROM update_logs l WHERE l.device_id = d.id AND l.state::text = ANY(${[...UPDATING_LOG]}::text[]))`
    : Prisma.empty;
  return Prisma.sql`d.state <> 'decommissioned' AND d.device_type::text = ANY(${typesWith(command)}::text[]) ${updating}`;
}

/** The ids of the devices the target names, within the actor's farm; named ids that do not exist (or not for the actor) are a 400. */
async function candidates(tx: Prisma.TransactionClient, actor: Actor, target: CommandTarget): Promise<{ ids: number[]; label: string }> {
  const scope = farmScope(actor);
  if ("deviceIds" in target) {
    const devices = await tx.device.findMany({ where: { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) }, select: { id: true, deviceId: true } });
    const found = new Set(devices.map((device) => device.deviceId));
    const missing = target.deviceIds.filter((id) => !found.has(id));
    if (missing.length) throw new InvalidError(`Not found: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""}.`, { target: ["Unknown devices"] });
    return { ids: devices.map((device) => device.id), label: `${devices.length} selected device${devices.length === 1 ? "" : "s"}` };
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
  const devices = await tx.device.findMany({ where, select: { id: true }, take: BULK_LIMIT + 1 });
  if (devices.length > BULK_LIMIT) throw new InvalidError(`The target matches more than ${BULK_LIMIT.toLocaleString("en")} devices. Narrow it first.`, { target: ["Too many devices"] });
  return { ids: devices.map((device) => device.id), label };
}

type Tally = { included: number; retired: number; wrong_type: number; updating: number; farms: number; farm_id: number | null };

/** How many devices take the command and why the others do not (first reason wins), in one pass. */
async function tally(tx: Prisma.TransactionClient, ids: number[], command: string, disruptive: boolean): Promise<{ included: number; skipped: Partial<Record<SkipReason, number>>; farmId: number | null }> {
  const [row] = await tx.$queryRaw<Tally[]>`
    SELECT count(*) FILTER (WHERE ok)::int AS included,
           count(*) FILTER (WHERE d.state = 'decommissioned')::int AS retired,
           count(*) FILTER (WHERE d.state <> 'decommissioned' AND d.device_type::text <> ALL(${typesWith(command)}::text[]))::int AS wrong_type,
           count(*) FILTER (WHERE NOT ok AND d.state <> 'decommissioned' AND d.device_type::text = ANY(${typesWith(command)}::text[]))::int AS updating,
           count(DISTINCT d.farm_id) FILTER (WHERE ok)::int AS farms,
           min(d.farm_id) FILTER (WHERE ok) AS farm_id
      FROM devices d, LATERAL (SELECT ${eligible(command, disruptive)} AS ok) e
     WHERE d.id = ANY(${ids}::int[])`;
  const skipped: Partial<Record<SkipReason, number>> = {};
  for (const reason of Object.keys(SKIP_REASONS) as SkipReason[]) if (row && row[reason] > 0) skipped[reason] = row[reason];
  return { included: row?.included ?? 0, skipped, farmId: row && row.farms === 1 ? row.farm_id : null };
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
      const { ids, label } = await candidates(tx, actor, input.target);
      const { included, skipped, farmId } = await tally(tx, ids, spec.name, spec.disruptive);
      if (included === 0) {
        const why = Object.entries(skipped).map(([reason, count]) => `${count} ${SKIP_REASONS[reason as SkipReason]}`);
        throw new InvalidError(ids.length ? `None of the ${ids.length} devices can take ${spec.name} (${why.join("; ")}).` : "No device matches the target.", { target: [ids.length ? "No device can take this command" : "No device matches"] });
      }
      const batch = await tx.commandBatch.create({
        data: {
          commandType: spec.name,
          parameters: parameters as Prisma.InputJsonObject,
          farmId,
          selection: input.target as Prisma.InputJsonObject,
          description: (input.description || `${spec.label}: ${label}`).slice(0, 300),
          total: included,
          skipped,
          requestedById: actor.kind === "user" ? actor.id : null,
          requestedBy: actor.label,
          idempotencyKey: key,
          createdAt: now,
        },
        select: { id: true },
      });
      const inserted = await insertCommands(tx, actor, batch.id, spec, parameters, input, ids, now);
      // the rows were counted under the same condition in this transaction; a mismatch is a bug, not a race to hide
      if (inserted !== included) throw new Error(`bulk command: counted ${included} devices, inserted ${inserted}`);
      await recordAudit(tx, actor, {
        entityType: "command_batch",
        entityId: String(batch.id),
        action: "command_sent",
        after: { command: spec.name, parameters: parameters as Prisma.InputJsonObject, devices: included, skipped, target: input.target as Prisma.InputJsonObject },
      });
      return { batchId: batch.id, created: true };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  if (outcome.created) await notifyEngine(db);
  return { batch: await batchProgress(db, actor, outcome.batchId), created: outcome.created };
}

/** Commands, log bundles (get_logs) and each device's history line: one statement each, whatever the count. */
async function insertCommands(
  tx: Prisma.TransactionClient,
  actor: Actor,
  batchId: number,
  spec: CommandSpec,
  parameters: Record<string, unknown>,
  input: BulkCommandInput,
  ids: number[],
  now: Date,
): Promise<number> {
  const expiresAt = new Date(now.getTime() + input.expires_in_hours * 3600_000);
  const inserted = await tx.$executeRaw`
    INSERT INTO commands (command_id, device_id, farm_id, command_type, parameters, status, timeout_seconds, expires_at, only_if_online, requested_by_id, requested_by, batch_id, created_at)
    SELECT gen_random_uuid()::text, d.id, d.farm_id, ${spec.name}, ${JSON.stringify(parameters)}::jsonb, 'queued'::"CommandStatus", ${input.timeout_seconds ?? spec.timeoutSeconds}::int, ${expiresAt}::timestamptz,
           ${input.only_if_online}::boolean, ${actor.kind === "user" ? actor.id : null}::int, ${actor.label}, ${batchId}::int, ${now}::timestamptz
      FROM devices d WHERE d.id = ANY(${ids}::int[]) AND ${eligible(spec.name, spec.disruptive)} ORDER BY d.id`;
  if (spec.name === "get_logs") {
    await tx.$executeRaw`
      INSERT INTO device_log_bundles (device_id, command_id, state, log_types, time_range_hours)
      SELECT c.device_id, c.id, 'awaiting_upload'::"LogBundleState", ${parameters.log_types as string[]}::text[], ${parameters.time_range_hours as number}::int
        FROM commands c WHERE c.batch_id = ${batchId}::int`;
  }
  // each device's history says it was sent the command, as for a single send (with the farm, role
  // and way in given here, so the audit trigger looks nothing up for ten thousand rows)
  const who = auditWho(actor);
  await tx.$executeRaw`
    INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, after, created_at, farm_id, actor_role, via, credential, ip)
    SELECT 'device', d.device_id, 'command_sent', ${who.actorId}::int, ${who.actorLabel}, ${JSON.stringify({ command: spec.name, batchId, parameters })}::jsonb, ${now}::timestamptz,
           d.farm_id, ${who.actorRole}::text, ${who.via}::text, ${who.credential}::text, ${who.ip}::text
      FROM commands c JOIN devices d ON d.id = c.device_id WHERE c.batch_id = ${batchId}::int`;
  return inserted;
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
    await tx.$executeRaw`
      UPDATE device_log_bundles AS b SET state = 'failed' FROM commands AS c
       WHERE c.id = b.command_id AND c.batch_id = ${batch.id}::int AND c.status = 'cancelled' AND b.state = 'awaiting_upload'`;
    await tx.commandBatch.update({ where: { id: batch.id }, data: { cancelledAt: batch.cancelledAt ?? now } });
    await recordAudit(tx, actor, { entityType: "command_batch", entityId: String(batch.id), action: "command_cancelled", after: { cancelled: count } });
    return count;
  });
  return { cancelled, batch: await batchProgress(db, actor, batchId) };
}
