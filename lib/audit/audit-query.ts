/**
 * Reading the audit log: the filters of the screen, the API and the CSV export (one zod schema),
 * the reader's scope (admins every event, a farm-bound reader their farm's), and keyset pages on
 * (created_at, id) — never OFFSET, which would read and throw away every row before a deep page
 * of five million.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError } from "../errors";

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_API_MAX_LIMIT = 500;
/** Rows the export reads per round trip: small enough that a 5,000,000-row export never sits in memory. */
export const AUDIT_EXPORT_BATCH = 2000;

/** The kinds of record the product writes events about (the screen's "Record" filter). */
export const AUDIT_ENTITY_TYPES = [
  "device",
  "group",
  "alert",
  "tag",
  "firmware_version",
  "update_job",
  "command_batch",
  "maintenance",
  "maintenance_plan",
  "warranty_claim",
  "farm",
  "user",
  "api_key",
  "import_batch",
] as const;

export const ENTITY_LABEL: Record<string, string> = {
  device: "Device",
  group: "Group",
  alert: "Alert",
  tag: "Tag",
  firmware_version: "Firmware",
  update_job: "Update job",
  command_batch: "Command batch",
  maintenance: "Maintenance",
  maintenance_plan: "Maintenance plan",
  warranty_claim: "Warranty claim",
  farm: "Farm",
  user: "Person",
  api_key: "API key",
  import_batch: "Import",
};

/** The page of the record an event is about, where the product has one. */
export function entityHref(entityType: string, entityId: string): string | null {
  const id = encodeURIComponent(entityId);
  const numeric = /^[0-9]+$/.test(entityId);
  switch (entityType) {
    case "device":
      return `/devices/${id}`;
    case "alert":
      return numeric ? `/alerts/${id}` : null;
    case "group":
      return numeric ? `/groups/${id}/edit` : null;
    case "farm":
      return numeric ? `/farms/${id}` : null;
    case "maintenance":
      return numeric ? `/maintenance/${id}` : null;
    case "maintenance_plan":
      return numeric ? `/maintenance/plans/${id}` : null;
    case "warranty_claim":
      return numeric ? `/inventory/warranty/claims/${id}` : null;
    case "update_job":
      return numeric ? `/updates/${id}` : null;
    case "command_batch":
      return numeric ? `/diagnostics/batches/${id}` : null;
    case "firmware_version":
      return "/firmware";
    case "user":
      return "/admin/users";
    case "api_key":
      return "/admin/api-keys";
    case "import_batch":
      return "/import";
    default:
      return null;
  }
}

/**
 * "Who": a person (their user id), the worker, the system, or an API key (`key:<prefix>`).
 * Kept as one text value so that the URL and the API say it the same way.
 */
const personSchema = z
  .string()
  .trim()
  .regex(/^([0-9]{1,9}|worker|system|key:[A-Za-z0-9_-]{1,40})$/, "A person's id, worker, system or key:<prefix>");

/** A day (YYYY-MM-DD, in the reader's clock) or an ISO date-time. */
const momentSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "A date (YYYY-MM-DD) or a date-time (ISO 8601)")
  .refine((value) => !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)), "Not a real date");

export const auditFilterSchema = z.object({
  person: personSchema.optional(),
  action: z.string().trim().min(1).max(60).optional(),
  entityType: z.string().trim().min(1).max(40).regex(/^[a-z_.]+$/, "A kind of record, such as device or user").optional(),
  entityId: z.string().trim().min(1).max(64).optional(),
  farm: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  from: momentSchema.optional(),
  to: momentSchema.optional(),
});
export type AuditFilterInput = z.infer<typeof auditFilterSchema>;
export const AUDIT_FILTER_KEYS = Object.keys(auditFilterSchema.shape) as (keyof AuditFilterInput)[];

/** Filters as the query takes them: moments resolved to instants. `to` is exclusive. */
export type AuditFilters = Omit<AuditFilterInput, "from" | "to"> & { from?: Date; to?: Date };

/** Offset of `timeZone` from UTC at `at`, in ms. */
function zoneOffset(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Midnight of `day` (YYYY-MM-DD) in `timeZone`, as an instant. */
export function zonedDayStart(day: string, timeZone: string): Date {
  const naive = Date.parse(`${day}T00:00:00Z`);
  let instant = naive - zoneOffset(naive, timeZone);
  // Across a DST change the offset at the guess can differ from the offset at the answer.
  instant = naive - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/**
 * A moment of the filter as an instant: a day means the start of that day in the reader's clock for
 * `from`, and the start of the next day for `to` (so "to 3 Dec" includes all of 3 December).
 */
function resolveMoment(value: string, end: boolean, timeZone: string): Date {
  if (value.length === 10) {
    const start = zonedDayStart(value, timeZone);
    if (!end) return start;
    const next = new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return zonedDayStart(next, timeZone);
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const date = new Date(hasZone ? value : `${value.replace(" ", "T")}Z`);
  if (!hasZone) return new Date(date.getTime() - zoneOffset(date.getTime(), timeZone));
  return date;
}

export function resolveAuditFilters(input: AuditFilterInput, timeZone = "UTC"): AuditFilters {
  const { from, to, ...rest } = input;
  const filters: AuditFilters = { ...rest, from: from ? resolveMoment(from, false, timeZone) : undefined, to: to ? resolveMoment(to, true, timeZone) : undefined };
  if (filters.from && filters.to && filters.from >= filters.to) throw new InvalidError("The time range ends before it starts.", { to: ["Must be after “from”"] });
  return filters;
}

/** Parses filters from a query string: unknown keys ignored, empty values mean "not set". */
export function parseAuditFilters(params: URLSearchParams | Record<string, string | string[] | undefined>, timeZone = "UTC"): AuditFilters {
  const raw: Record<string, string> = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null && first.trim() !== "") raw[key] = first;
  }
  return resolveAuditFilters(auditFilterSchema.parse(raw), timeZone);
}

// ---------------------------------------------------------------- cursors

export type AuditCursor = { at: Date; id: bigint };

/** `<ms since epoch>.<id>`: opaque to readers, but plain enough to debug. */
export function encodeCursor(cursor: AuditCursor): string {
  return `${cursor.at.getTime()}.${cursor.id}`;
}

export function decodeCursor(value: string | null | undefined): AuditCursor | undefined {
  if (!value) return undefined;
  const match = /^(\d{1,15})\.(\d{1,19})$/.exec(value.trim());
  if (!match) throw new InvalidError("The page cursor is not valid.", { cursor: ["Not a cursor this list gave out"] });
  return { at: new Date(Number(match[1])), id: BigInt(match[2]!) };
}

// ---------------------------------------------------------------- reading

/** Who reads: the farm they are bound to (null = every farm). */
export type AuditScope = { farmId: number | null };

export function auditScope(actor: Pick<Actor, "farmId" | "role">): AuditScope {
  return { farmId: farmScope(actor) };
}

export type AuditRow = {
  id: string;
  createdAt: Date;
  entityType: string;
  entityId: string;
  /** A person the event is about, in words ("Name (e-mail)"); null for other records and for people since deleted (the id stays). */
  entityName: string | null;
  action: string;
  actorId: number | null;
  actorLabel: string;
  actorName: string | null;
  actorRole: string | null;
  ip: string | null;
  via: string | null;
  credential: string | null;
  farmId: number | null;
  farmName: string | null;
  before: unknown;
  after: unknown;
};

type RawRow = Omit<AuditRow, "id"> & { id: bigint };

function whereSql(scope: AuditScope, filters: AuditFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (scope.farmId !== null) conditions.push(Prisma.sql`farm_id = ${scope.farmId}`);
  if (filters.farm !== undefined) conditions.push(Prisma.sql`farm_id = ${filters.farm}`);
  if (filters.person) {
    if (/^[0-9]+$/.test(filters.person)) conditions.push(Prisma.sql`actor_id = ${Number(filters.person)}`);
    else if (filters.person === "worker" || filters.person === "system") conditions.push(Prisma.sql`actor_label = ${filters.person} AND actor_id IS NULL`);
    else conditions.push(Prisma.sql`actor_label = ${`api-key:${filters.person.slice(4)}`}`);
  }
  if (filters.action) conditions.push(Prisma.sql`action = ${filters.action}`);
  if (filters.entityType) conditions.push(Prisma.sql`entity_type = ${filters.entityType}`);
  if (filters.entityId) conditions.push(Prisma.sql`entity_id = ${filters.entityId}`);
  if (filters.from) conditions.push(Prisma.sql`created_at >= ${filters.from}`);
  if (filters.to) conditions.push(Prisma.sql`created_at < ${filters.to}`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

function and(where: Prisma.Sql, condition: Prisma.Sql): Prisma.Sql {
  return where === Prisma.empty ? Prisma.sql`WHERE ${condition}` : Prisma.sql`${where} AND ${condition}`;
}

/**
 * The rows of one page, newest first. Runs the filter on audit_events alone (the index does the
 * ordering and the limit), then joins the handful of rows to their person (who acted, and who it
 * was about) and farm.
 */
async function readRows(db: Pick<Db, "$queryRaw">, scope: AuditScope, filters: AuditFilters, limit: number, page: { older?: AuditCursor; newer?: AuditCursor }): Promise<RawRow[]> {
  let where = whereSql(scope, filters);
  let order = Prisma.sql`ORDER BY created_at DESC, id DESC`;
  if (page.older) where = and(where, Prisma.sql`(created_at, id) < (${page.older.at}, ${page.older.id})`);
  else if (page.newer) {
    where = and(where, Prisma.sql`(created_at, id) > (${page.newer.at}, ${page.newer.id})`);
    order = Prisma.sql`ORDER BY created_at ASC, id ASC`;
  }
  return db.$queryRaw<RawRow[]>`
    SELECT e.id, e.created_at AS "createdAt", e.entity_type AS "entityType", e.entity_id AS "entityId",
           eu.name || ' (' || eu.email || ')' AS "entityName", e.action,
           e.actor_id AS "actorId", e.actor_label AS "actorLabel", u.name AS "actorName", e.actor_role AS "actorRole",
           e.ip, e.via, e.credential, e.farm_id AS "farmId", f.name AS "farmName", e.before, e.after
      FROM (SELECT * FROM audit_events ${where} ${order} LIMIT ${limit}) e
      LEFT JOIN users u ON u.id = e.actor_id
      -- CASE, not AND: entity_id is text, and only a user event's is sure to be a number.
      LEFT JOIN users eu ON eu.id = CASE WHEN e.entity_type = 'user' AND e.entity_id ~ '^[0-9]{1,9}$' THEN e.entity_id::int END
      LEFT JOIN farms f ON f.id = e.farm_id
     ORDER BY e.created_at DESC, e.id DESC`;
}

const toRow = (row: RawRow): AuditRow => ({ ...row, id: String(row.id) });
const cursorOf = (row: RawRow | AuditRow): AuditCursor => ({ at: row.createdAt, id: BigInt(row.id) });

export type AuditPage = {
  rows: AuditRow[];
  /** The cursor of the page after this one (older events), or null at the oldest. */
  older: string | null;
  /** The cursor of the page before this one (newer events), or null at the newest. */
  newer: string | null;
};

/**
 * One page of the log. `older`: the events after that cursor (the "Older" link, and the API's
 * cursor); `newer`: the page of events just before it ("Newer"). Neither: the newest events.
 */
export async function listAuditEvents(
  db: Pick<Db, "$queryRaw">,
  scope: AuditScope,
  filters: AuditFilters,
  page: { older?: AuditCursor; newer?: AuditCursor; limit?: number } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(1, page.limit ?? AUDIT_PAGE_SIZE), AUDIT_API_MAX_LIMIT);
  const raw = await readRows(db, scope, filters, limit + 1, page);
  const more = raw.length > limit;
  // Going newer, the extra row is the newest one (it lies beyond the page); going older, the oldest.
  const rows = page.newer && !page.older ? raw.slice(more ? 1 : 0) : raw.slice(0, limit);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasOlder = page.newer && !page.older ? true : more;
  const hasNewer = page.newer && !page.older ? more : Boolean(page.older);
  return {
    rows: rows.map(toRow),
    older: hasOlder && last ? encodeCursor(cursorOf(last)) : null,
    newer: hasNewer && first ? encodeCursor(cursorOf(first)) : null,
  };
}

/**
 * Every event matching the filters, newest first, in batches (keyset again): what the CSV export
 * streams. A caller that stops early (a closed download) stops the reading.
 */
export async function* streamAuditEvents(db: Pick<Db, "$queryRaw">, scope: AuditScope, filters: AuditFilters, batch = AUDIT_EXPORT_BATCH): AsyncGenerator<AuditRow[]> {
  let older: AuditCursor | undefined;
  for (;;) {
    const raw = await readRows(db, scope, filters, batch, { older });
    if (raw.length === 0) return;
    yield raw.map(toRow);
    if (raw.length < batch) return;
    older = cursorOf(raw[raw.length - 1]!);
  }
}

/** The people a reader may pick in the "Person" filter: their farm's (or everyone for admins). */
export async function auditPeople(db: Pick<Db, "user">, scope: AuditScope) {
  return db.user.findMany({
    where: scope.farmId === null ? {} : { farmId: scope.farmId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, email: true },
  });
}

/** The actions the log knows, for the "Action" filter (one index skip per action, not a scan). */
export async function auditActions(db: Pick<Db, "$queryRaw">): Promise<string[]> {
  // A recursive "loose index scan" on the action index: one probe per distinct action, so listing
  // them stays instant at millions of rows, where SELECT DISTINCT would read them all.
  const rows = await db.$queryRaw<{ action: string }[]>`
    WITH RECURSIVE actions(action) AS (
      (SELECT action FROM audit_events ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT a.action FROM audit_events a WHERE a.action > actions.action ORDER BY a.action LIMIT 1) FROM actions WHERE actions.action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL`;
  return rows.map((row) => row.action);
}
