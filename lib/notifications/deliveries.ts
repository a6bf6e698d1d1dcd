/**
 * The delivery log: every outgoing notification (mail, webhook, in-app) with its status, attempts,
 * last error and each attempt's details, so a manager sees that the 2 a.m. mail went out — or why
 * it did not — and can try a failed one again now. Farm-bound managers see their farm's only;
 * notifications of no farm (invitations, password resets) only someone of every farm.
 */
import type { Prisma } from "@prisma/client";
import { zonedDayStart } from "../audit/audit-query";
import { recordAudit } from "../audit/record";
import { readerClock } from "../audit/reader-clock";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError, NotFoundError } from "../errors";
import { assertManage, parseInput } from "./notification-access";
import { deliveryListQuerySchema } from "./notification-schemas";
import { NOTIFY_CHANNEL } from "./queue";

export type DeliveryAttempt = { attempt: number; ok: boolean; responseCode: number | null; error: string | null; durationMs: number; at: string };
export type DeliveryView = {
  id: number;
  kind: "email" | "webhook" | "in_app";
  status: "queued" | "held" | "digest" | "sent" | "failed" | "cancelled";
  subject: string;
  farmId: number | null;
  farmName: string | null;
  level: number;
  alertId: number | null;
  ruleName: string | null;
  recipient: { kind: "user"; id: number; name: string; email: string } | { kind: "channel"; id: number; name: string; address: string | null; urlHost: string | null } | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  readAt: string | null;
  createdAt: string;
  deliveries: DeliveryAttempt[];
};
export type DeliveryPage = { total: number; page: number; pageSize: number; data: DeliveryView[] };

const include = {
  user: { select: { id: true, name: true, email: true } },
  channel: { select: { id: true, name: true, address: true, urlHost: true } },
  rule: { select: { name: true } },
  deliveries: { orderBy: { attempt: "asc" } },
} satisfies Prisma.NotificationInclude;
type Row = Prisma.NotificationGetPayload<{ include: typeof include }>;

function view(row: Row, farmNames: Map<number, string>): DeliveryView {
  return {
    id: Number(row.id),
    kind: row.kind,
    status: row.status,
    subject: row.subject,
    farmId: row.farmId,
    farmName: row.farmId ? (farmNames.get(row.farmId) ?? null) : null,
    level: row.level,
    alertId: row.alertId,
    ruleName: row.rule?.name ?? null,
    recipient: row.user ? { kind: "user", ...row.user } : row.channel ? { kind: "channel", ...row.channel } : null,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastError: row.lastError,
    sentAt: row.sentAt?.toISOString() ?? null,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    deliveries: row.deliveries.map((delivery) => ({ attempt: delivery.attempt, ok: delivery.ok, responseCode: delivery.responseCode, error: delivery.error, durationMs: delivery.durationMs, at: delivery.createdAt.toISOString() })),
  };
}

function scopeWhere(actor: Actor, farm?: number): Prisma.NotificationWhereInput {
  const scope = farmScope(actor);
  if (scope !== null) {
    if (farm && farm !== scope) throw new NotFoundError(`Farm ${farm} not found.`);
    return { farmId: scope };
  }
  return farm ? { farmId: farm } : {};
}

/** The day after `day` (YYYY-MM-DD), as YYYY-MM-DD. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export async function listDeliveries(db: Db, actor: Actor, query: unknown = {}): Promise<DeliveryPage> {
  assertManage(actor);
  const filters = parseInput(deliveryListQuerySchema, query);
  if (filters.from && filters.to && filters.from > filters.to) throw new InvalidError("The start day is after the end day.", { from: ["After the end day"] });
  // Days are the reader's days (their farm's clock, else their own zone), as in the audit log.
  const { timeZone } = filters.from || filters.to ? await readerClock(db, actor, filters.farm) : { timeZone: "UTC" };
  const where: Prisma.NotificationWhereInput = {
    ...scopeWhere(actor, filters.farm),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.from || filters.to
      ? { createdAt: { ...(filters.from ? { gte: zonedDayStart(filters.from, timeZone) } : {}), ...(filters.to ? { lt: zonedDayStart(nextDay(filters.to), timeZone) } : {}) } }
      : {}),
  };
  const [total, rows, farms] = await Promise.all([
    db.notification.count({ where }),
    db.notification.findMany({ where, include, orderBy: { id: "desc" }, skip: (filters.page - 1) * filters.pageSize, take: filters.pageSize }),
    db.farm.findMany({ select: { id: true, name: true } }),
  ]);
  const farmNames = new Map(farms.map((farm) => [farm.id, farm.name]));
  return { total, page: filters.page, pageSize: filters.pageSize, data: rows.map((row) => view(row, farmNames)) };
}

async function findNotification(db: Pick<Db, "notification">, actor: Actor, id: number) {
  const row = await db.notification.findUnique({ where: { id: BigInt(id) }, include });
  const scope = farmScope(actor);
  if (!row || (scope !== null && row.farmId !== scope)) throw new NotFoundError(`Notification ${id} not found.`);
  return row;
}

/**
 * "Retry now": a failed notification goes back to the queue, due at once, and the worker is woken.
 * Its attempts so far stay counted (the log keeps them); the worker tries it again now.
 */
export async function retryDelivery(db: Db, actor: Actor, id: number): Promise<DeliveryView> {
  assertManage(actor);
  return db.$transaction(async (tx) => {
    const row = await findNotification(tx, actor, id);
    if (row.status !== "failed") throw new InvalidError(`Only a failed notification can be retried; this one is ${row.status}.`, { status: [`Is ${row.status}`] });
    const claimed = await tx.notification.updateMany({ where: { id: row.id, status: "failed" }, data: { status: "queued", nextAttemptAt: new Date() } });
    if (!claimed.count) throw new InvalidError("This notification changed meanwhile; reload the log.");
    await tx.$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, '')`;
    await recordAudit(tx, actor, { entityType: "notification", entityId: String(id), action: "notification.retry", before: { status: "failed", attempts: row.attempts, lastError: row.lastError }, after: { status: "queued" }, farmId: row.farmId });
    const farm = row.farmId ? await tx.farm.findUnique({ where: { id: row.farmId }, select: { id: true, name: true } }) : null;
    const fresh = await findNotification(tx, actor, id);
    return view(fresh, new Map(farm ? [[farm.id, farm.name]] : []));
  });
}
