/**
 * The notification outbox: every mail, webhook call and in-app message is first a `notifications`
 * row, written in the same transaction as what caused it, and delivered by the worker with retries
 * (lib/notifications/delivery). So nothing is lost when SMTP or a webhook is down, and a failing
 * channel never holds up the change that caused the message.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../db";

export const NOTIFY_CHANNEL = "notifications";

export type QueuedNotification = {
  /** Unique: the same message queued twice (a retried request, a fan-out run twice) is one row. */
  dedupeKey: string;
  kind: "email" | "webhook" | "in_app";
  userId?: number | null;
  channelId?: number | null;
  alertId?: number | null;
  farmId?: number | null;
  ruleId?: number | null;
  level?: number;
  subject: string;
  body: string;
  payload?: Prisma.InputJsonValue;
  /** Not before (quiet hours, digest). */
  nextAttemptAt?: Date;
  status?: "queued" | "held" | "digest";
};

type Writer = Pick<Db, "notification" | "$executeRaw">;

/** Queues one message; returns false when one with the same key was already queued. */
export async function queueNotification(db: Writer, message: QueuedNotification): Promise<boolean> {
  const { count } = await db.notification.createMany({
    data: [{ ...message, level: message.level ?? 0, payload: message.payload ?? {}, status: message.status ?? "queued", nextAttemptAt: message.nextAttemptAt ?? new Date() }],
    skipDuplicates: true,
  });
  // Wakes the worker's delivery loop after commit (NOTIFY is transactional); it also polls.
  if (count) await db.$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, '')`;
  return count > 0;
}

/** A mail to a person (invitation, password reset): by e-mail, whatever their notification choices. */
export function queueMailToUser(db: Writer, input: { dedupeKey: string; userId: number; subject: string; body: string; payload?: Prisma.InputJsonValue }) {
  return queueNotification(db, { ...input, kind: "email" });
}
