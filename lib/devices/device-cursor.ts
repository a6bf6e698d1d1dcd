/**
 * Keyset ("seek") paging of the devices list: a page is asked for as "the devices after (or
 * before) this one in this order", so page 500 costs what page 1 costs. An OFFSET of 25,000 made
 * PostgreSQL read and throw away 25,000 rows first; a cursor starts reading where the last page
 * ended, through the index on (sort column, device id).
 *
 * The cursor is opaque to whoever holds it (base64url of a small JSON array) but carries the sort
 * it was made for, the last row's sort value and device id, which way it points and the offset of
 * the page it leads to (only to show "51–100 of …"; the rows are found by the keys, never by it).
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { DeviceSortKey } from "./device-schemas";
import { DEVICE_STATES } from "./device-fields";
import { DEVICE_TYPES } from "./device-id";

export type SortDir = "asc" | "desc";

/**
 * Each sortable column: how to filter on its value and order by it. The device id breaks ties,
 * in the sort's direction, so one index on (column, device_id) serves both directions; a column
 * that may be empty (battery, signal, firmware, last seen, group) lists its empty rows last
 * either way, read as a segment of their own (ordered by device id).
 */
type SortColumn = {
  kind: "string" | "number" | "date";
  nullable: boolean;
  /** `where` on the column: equal to, beyond (gt/lt) a value, or empty / not empty. */
  equals: (value: CursorValue) => Prisma.DeviceWhereInput;
  beyond: (op: "gt" | "lt", value: CursorValue) => Prisma.DeviceWhereInput;
  isNull?: Prisma.DeviceWhereInput;
  notNull?: Prisma.DeviceWhereInput;
  orderBy: (dir: SortDir) => Prisma.DeviceOrderByWithRelationInput;
  /** The sort value of a listed row (as DEVICE_LIST_SELECT reads it). */
  read: (row: SortableRow) => CursorValue;
  /** An enum column's values in declaration order (a cursor's value must be one of them). */
  values?: readonly string[];
};

export type CursorValue = string | number | null;

/** What a listed row carries for its cursor. */
export type SortableRow = {
  deviceId: string;
  name: string;
  deviceType: string;
  state: string;
  healthScore: number;
  connectionStatus: string;
  batteryLevel: number | null;
  signalStrength: number | null;
  firmwareVersion: string | null;
  lastSeen: Date | null;
  farm: { code: string };
  group: { name: string } | null;
};

function scalar<F extends keyof Prisma.DeviceWhereInput & keyof Prisma.DeviceOrderByWithRelationInput>(field: F, kind: SortColumn["kind"], nullable: boolean, read: SortColumn["read"]): SortColumn {
  const value = (v: CursorValue) => (kind === "date" && v !== null ? new Date(v) : v);
  return {
    kind,
    nullable,
    equals: (v) => ({ [field]: value(v) }) as Prisma.DeviceWhereInput,
    beyond: (op, v) => ({ [field]: { [op]: value(v) } }) as Prisma.DeviceWhereInput,
    ...(nullable ? { isNull: { [field]: null } as Prisma.DeviceWhereInput, notNull: { [field]: { not: null } } as Prisma.DeviceWhereInput } : {}),
    orderBy: (dir) => ({ [field]: dir }) as Prisma.DeviceOrderByWithRelationInput,
    read,
  };
}

/**
 * PostgreSQL orders an enum column by the order its values were declared in, and Prisma filters
 * an enum by equality and lists only: "after milk_meter" is the values declared after it.
 * (The integration test checks this order against pg_enum.)
 */
function enumerated<F extends "deviceType" | "state" | "connectionStatus">(field: F, values: readonly string[], read: SortColumn["read"]): SortColumn {
  const index = (v: CursorValue) => values.indexOf(v as string);
  return {
    kind: "string",
    nullable: false,
    equals: (v) => ({ [field]: v }) as Prisma.DeviceWhereInput,
    beyond: (op, v) => ({ [field]: { in: op === "gt" ? values.slice(index(v) + 1) : values.slice(0, Math.max(0, index(v))) } }) as Prisma.DeviceWhereInput,
    orderBy: (dir) => ({ [field]: dir }) as Prisma.DeviceOrderByWithRelationInput,
    read,
    values,
  };
}

/** The enums' order in the database (prisma/schema.prisma), which is not always the forms' order. */
export const ENUM_ORDER = {
  deviceType: DEVICE_TYPES,
  state: DEVICE_STATES,
  connectionStatus: ["unknown", "online", "degraded", "offline", "connecting", "error"],
} as const satisfies Record<string, readonly string[]>;

export const SORT_COLUMNS: Record<DeviceSortKey, SortColumn> = {
  deviceId: scalar("deviceId", "string", false, (row) => row.deviceId),
  name: scalar("name", "string", false, (row) => row.name),
  type: enumerated("deviceType", ENUM_ORDER.deviceType, (row) => row.deviceType),
  state: enumerated("state", ENUM_ORDER.state, (row) => row.state),
  health: scalar("healthScore", "number", false, (row) => row.healthScore),
  connection: enumerated("connectionStatus", ENUM_ORDER.connectionStatus, (row) => row.connectionStatus),
  battery: scalar("batteryLevel", "number", true, (row) => row.batteryLevel),
  signal: scalar("signalStrength", "number", true, (row) => row.signalStrength),
  firmware: scalar("firmwareVersion", "string", true, (row) => row.firmwareVersion),
  lastSeen: scalar("lastSeen", "date", true, (row) => row.lastSeen?.toISOString() ?? null),
  // farm codes are unique and few: the relation filter is `farm_id IN (SELECT id FROM farms …)`
  farm: {
    kind: "string",
    nullable: false,
    equals: (v) => ({ farm: { code: v as string } }),
    beyond: (op, v) => ({ farm: { code: { [op]: v as string } } }),
    orderBy: (dir) => ({ farm: { code: dir } }),
    read: (row) => row.farm.code,
  },
  // group names repeat across farms ("Herd collars"): the device id orders those ties
  group: {
    kind: "string",
    nullable: true,
    equals: (v) => ({ group: { is: { name: v as string } } }),
    beyond: (op, v) => ({ group: { is: { name: { [op]: v as string } } } }),
    isNull: { groupId: null },
    notNull: { groupId: { not: null } },
    orderBy: (dir) => ({ group: { name: dir } }),
    read: (row) => row.group?.name ?? null,
  },
};

// ---------------------------------------------------------------- the cursor itself

export type DeviceCursor = {
  sort: DeviceSortKey;
  dir: SortDir;
  /** The sort value and device id of the row the cursor stands on. */
  value: CursorValue;
  deviceId: string;
  /** true: the page before that row (Previous); false: the page after it (Next). */
  before: boolean;
  /** Rows before the page the cursor leads to, for "51–100 of …". */
  offset: number;
};

const cursorTuple = z.tuple([
  z.enum(Object.keys(SORT_COLUMNS) as [DeviceSortKey, ...DeviceSortKey[]]),
  z.enum(["asc", "desc"]),
  z.union([z.string().max(200), z.number().finite(), z.null()]),
  z.string().min(1).max(50),
  z.union([z.literal(0), z.literal(1)]),
  z.number().int().min(0).max(100_000_000),
]);

// base64url by hand (btoa and TextEncoder): this module is read in the browser too, which has no Buffer
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

export function encodeCursor(cursor: DeviceCursor): string {
  return toBase64Url(JSON.stringify([cursor.sort, cursor.dir, cursor.value, cursor.deviceId, cursor.before ? 1 : 0, cursor.offset]));
}

const BAD_CURSOR = "cursor is not one this list gave out; start again from the first page";

/**
 * `?cursor=` as the list gave it out (its Next and Previous links, the API's nextCursor and
 * prevCursor). Anything else — edited, truncated, another list's — is refused with one message,
 * never a crash or a silently different page.
 */
export const deviceCursorSchema = z
  .string()
  .max(400, BAD_CURSOR)
  .regex(/^[A-Za-z0-9_-]+$/, BAD_CURSOR)
  .transform((text, ctx): DeviceCursor => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(fromBase64Url(text));
    } catch {
      ctx.addIssue({ code: "custom", message: BAD_CURSOR });
      return z.NEVER;
    }
    const parsed = cursorTuple.safeParse(decoded);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: BAD_CURSOR });
      return z.NEVER;
    }
    const [sort, dir, value, deviceId, before, offset] = parsed.data;
    const column = SORT_COLUMNS[sort];
    const typeOk =
      value === null ? column.nullable : column.values ? column.values.includes(value as string) : column.kind === "number" ? typeof value === "number" : typeof value === "string" && (column.kind !== "date" || !Number.isNaN(Date.parse(value)));
    if (!typeOk) {
      ctx.addIssue({ code: "custom", message: BAD_CURSOR });
      return z.NEVER;
    }
    return { sort, dir, value, deviceId, before: before === 1, offset };
  });

/** The cursor that stands on `row` in this sort. */
export function cursorAt(row: SortableRow, sort: DeviceSortKey, dir: SortDir, before: boolean, offset: number): string {
  return encodeCursor({ sort, dir, value: SORT_COLUMNS[sort].read(row), deviceId: row.deviceId, before, offset: Math.max(0, offset) });
}

// ---------------------------------------------------------------- seeking

/**
 * One read of the seek: a filter added to the list's and the order to read it in. A page is read
 * segment by segment until it is full, each segment one index range:
 *   after (v, d), ascending:  column = v AND device_id > d  →  column > v  →  column IS NULL
 *   after (null, d):          column IS NULL AND device_id > d
 * and mirrored for descending and for "before". Written as `(column, device_id) > (v, d)` it
 * would be one query, but Prisma writes no row comparison and an OR of the two is not an index
 * range in PostgreSQL: it filters every row before the cursor, which is the OFFSET again.
 */
export type Segment = { where: Prisma.DeviceWhereInput[]; orderBy: Prisma.DeviceOrderByWithRelationInput[] };

const flip = (dir: SortDir): SortDir => (dir === "asc" ? "desc" : "asc");
const beyondOp = (dir: SortDir) => (dir === "asc" ? "gt" : "lt");

/**
 * The segments to read, in reading order. `dir` is the list's direction; `before` reads backwards
 * (the rows come in reverse and the caller turns them round). Without a cursor: the first page.
 */
export function seekSegments(sort: DeviceSortKey, dir: SortDir, at: { value: CursorValue; deviceId: string } | null, before: boolean): Segment[] {
  const column = SORT_COLUMNS[sort];
  // reading backwards is reading forwards in the other direction, with the empty rows first
  const reading = before ? flip(dir) : dir;
  const byId: Prisma.DeviceOrderByWithRelationInput = { deviceId: reading };
  const filled: Segment = { where: column.notNull ? [column.notNull] : [], orderBy: sort === "deviceId" ? [byId] : [column.orderBy(reading), byId] };
  const empty: Segment | null = column.isNull ? { where: [column.isNull], orderBy: [byId] } : null;
  const idBeyond = { deviceId: { [beyondOp(reading)]: at?.deviceId } } as Prisma.DeviceWhereInput;

  if (sort === "deviceId") return [{ where: at ? [idBeyond] : [], orderBy: [byId] }];
  if (!at) return before ? [...(empty ? [empty] : []), filled] : [filled, ...(empty ? [empty] : [])];
  if (at.value === null) {
    // on an empty row: forwards, only empty rows follow; backwards, the filled ones come after them
    const rest: Segment = { where: [column.isNull!, idBeyond], orderBy: [byId] };
    return before ? [rest, filled] : [rest];
  }
  const ties: Segment = { where: [column.equals(at.value), idBeyond], orderBy: [byId] };
  const further: Segment = { where: [column.beyond(beyondOp(reading), at.value)], orderBy: filled.orderBy };
  return before ? [ties, further] : [ties, further, ...(empty ? [empty] : [])];
}
