import type { Prisma } from "@prisma/client";
import type { Db } from "../db";
import type { Actor } from "../auth/permissions";

export type AuditEntry = {
  entityType: string;
  entityId: string;
  action: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  /**
   * The farm the record belongs to. Optional: a database trigger (migration
   * 20261203225000_audit_log) looks it up from the record when it is not given — give it only when
   * the record is gone (a deletion) or belongs to the farm in another way.
   */
  farmId?: number | null;
};

type AuditWriter = Pick<Db, "auditEvent">;

/** Who acted, as the audit log keeps it: the actor resolved for the request, or a process. */
export type AuditActor = Pick<Actor, "kind" | "id" | "label"> & Partial<Pick<Actor, "role" | "ip" | "via" | "credential">>;

/** The who/role/IP/how columns of an audit event. */
export function auditWho(actor: AuditActor | "worker" | "system") {
  if (typeof actor === "string") return { actorId: null, actorLabel: actor, actorRole: null, ip: null, via: actor, credential: null };
  return {
    actorId: actor.kind === "user" ? actor.id : null,
    actorLabel: actor.label,
    actorRole: actor.role ?? null,
    ip: actor.ip ?? null,
    // An actor resolved elsewhere than a request (a test, a script) still says how, by its kind.
    via: actor.via ?? (actor.kind === "api_key" ? "api_key" : "session"),
    credential: actor.credential?.slice(0, 40) ?? (actor.kind === "api_key" ? actor.label.replace(/^api-key:/, "") : null),
  };
}

/** One line of a record's change history ("chatter"): who, with what role, from where, how; what; before and after. */
export function recordAudit(db: AuditWriter, actor: AuditActor | "worker" | "system", entry: AuditEntry) {
  const { farmId, ...rest } = entry;
  return db.auditEvent.create({ data: { ...auditWho(actor), ...rest, ...(farmId ? { farmId } : {}) } });
}
