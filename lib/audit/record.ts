import type { Prisma } from "@prisma/client";
import type { Db } from "../db";
import type { Actor } from "../auth/permissions";

export type AuditEntry = {
  entityType: string;
  entityId: string;
  action: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

type AuditWriter = Pick<Db, "auditEvent">;

/** One line of a record's change history ("chatter"): who, what, before and after. */
export function recordAudit(db: AuditWriter, actor: Pick<Actor, "kind" | "id" | "label"> | "worker" | "system", entry: AuditEntry) {
  const who = typeof actor === "string" ? { actorId: null, actorLabel: actor } : { actorId: actor.kind === "user" ? actor.id : null, actorLabel: actor.label };
  return db.auditEvent.create({ data: { ...who, ...entry } });
}
