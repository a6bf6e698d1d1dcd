/**
 * A person's in-app notifications: the bell's unread count, the list (newest first) and marking
 * them read. Only ever the person's own: every query names the user, so an id of someone else's
 * notification simply matches nothing.
 */
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError } from "../errors";
import { parseInput } from "./notification-access";
import { inboxQuerySchema, markReadSchema } from "./notification-schemas";

export type InboxItem = {
  id: number;
  subject: string;
  body: string;
  createdAt: string;
  readAt: string | null;
  farmId: number | null;
  alert: { id: number; alertType: string; severity: "low" | "warning" | "critical"; state: "active" | "acknowledged" | "resolved"; device: { deviceId: string; name: string } | null } | null;
};

export type Inbox = { unread: number; data: InboxItem[]; nextBefore: number | null };

/** The person behind the request; an API key has no inbox of its own. */
export function inboxOwner(actor: Actor): number {
  if (actor.kind !== "user") throw new ForbiddenError("An API key has no notifications of its own: the inbox belongs to a signed-in person.");
  return actor.id;
}

export function unreadCount(db: Pick<Db, "notification">, userId: number): Promise<number> {
  return db.notification.count({ where: { userId, kind: "in_app", readAt: null } });
}

export async function listInbox(db: Db, userId: number, query: unknown = {}): Promise<Inbox> {
  const { limit, unread, before } = parseInput(inboxQuerySchema, query);
  const [count, rows] = await Promise.all([
    unreadCount(db, userId),
    limit === 0
      ? []
      : db.notification.findMany({
          where: { userId, kind: "in_app", ...(unread ? { readAt: null } : {}), ...(before ? { id: { lt: BigInt(before) } } : {}) },
          orderBy: { id: "desc" },
          take: limit + 1,
          include: { alert: { select: { id: true, alertType: true, severity: true, state: true, device: { select: { deviceId: true, name: true } } } } },
        }),
  ]);
  const page = rows.slice(0, limit);
  return {
    unread: count,
    nextBefore: rows.length > limit ? Number(page.at(-1)!.id) : null,
    data: page.map((row) => ({
      id: Number(row.id),
      subject: row.subject,
      body: row.body,
      createdAt: row.createdAt.toISOString(),
      readAt: row.readAt?.toISOString() ?? null,
      farmId: row.farmId,
      alert: row.alert ? { id: row.alert.id, alertType: row.alert.alertType, severity: row.alert.severity, state: row.alert.state, device: row.alert.device } : null,
    })),
  };
}

/** Marks some (or all) of the person's unread notifications read; returns how many and what is left. */
export async function markRead(db: Db, actor: Actor, input: unknown): Promise<{ marked: number; unread: number }> {
  const userId = inboxOwner(actor);
  const data = parseInput(markReadSchema, input);
  return db.$transaction(async (tx) => {
    const { count } = await tx.notification.updateMany({
      where: { userId, kind: "in_app", readAt: null, ...(data.all ? {} : { id: { in: (data.ids ?? []).map((id) => BigInt(id)) } }) },
      data: { readAt: new Date() },
    });
    if (count) await recordAudit(tx, actor, { entityType: "user", entityId: String(userId), action: "notifications.read", after: data.all ? { all: true, marked: count } : { ids: data.ids ?? [], marked: count } });
    return { marked: count, unread: await unreadCount(tx, userId) };
  });
}
