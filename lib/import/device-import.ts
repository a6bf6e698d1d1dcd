/**
 * Bulk device import from CSV (issue 5, M92 `IoTDeviceImportWizard` task 2.3): a preview that says
 * row by row what would happen, and an import that writes every good row in one transaction or
 * nothing. The file is read as a stream and checked in chunks: each chunk's existing device ids are
 * looked up with one query, never one per row; farms and groups (small tables) are read once.
 */
import { stringify } from "csv-stringify/sync";
import { Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { auditActor } from "../devices/device-history";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { openCsv, type CsvSource } from "./csv-reader";
import { recordToRow, type ImportColumn } from "./import-columns";
import { validateRow, type ExistingDevice, type ImportMode, type RowContext, type ValidRow } from "./row-validation";

/** Rows checked per round trip to the database. */
const CHUNK = 1000;
/** The error report keeps this many errors (the count says how many there were). */
export const MAX_REPORTED_ERRORS = 10_000;
const FIRST_ROWS = 20;

export type ImportOptions = {
  fileName: string;
  mode: ImportMode;
  skipErrors: boolean;
  defaultFarmId?: number | null;
  /** A farm code for rows without farm_code (the API's `default_farm`); resolved here. */
  defaultFarmCode?: string | null;
};

/** `row` is the file's line where the row starts (lib/import/csv-reader.ts), in every report. */
export type ImportError = { row: number; column: string; message: string };

export type ImportPreview = {
  totalRows: number;
  toCreate: number;
  toUpdate: number;
  /** Valid rows that would change nothing (an existing device with the same values). */
  toSkip: number;
  rejected: number;
  columns: ImportColumn[];
  unknownColumns: string[];
  firstRows: { row: number; action: "create" | "update" | "unchanged" | "rejected"; values: Partial<Record<ImportColumn, string>> }[];
  /** Every error, up to MAX_REPORTED_ERRORS; errorCount counts all of them. */
  errors: ImportError[];
  errorCount: number;
};

export type ImportResult = {
  batchId: number;
  state: "done" | "failed";
  totalRows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  errors: ImportError[];
  errorCount: number;
};

function requireImport(actor: Actor) {
  if (!can(actor.role, "devices.import")) throw new ForbiddenError(`Your role (${actor.role}) does not allow devices.import.`);
}

const EXISTING_SELECT = {
  deviceId: true,
  deviceType: true,
  state: true,
  farmId: true,
  name: true,
  manufacturer: true,
  model: true,
  serialNumber: true,
  macAddress: true,
  hardwareVersion: true,
  locationDescription: true,
  latitude: true,
  longitude: true,
  groupId: true,
  purchaseDate: true,
  warrantyEnd: true,
} satisfies Prisma.DeviceSelect;

async function resolveDefaultFarm(db: Db, actor: Actor, options: ImportOptions): Promise<number | null> {
  const scope = farmScope(actor);
  let farmId: number | null = options.defaultFarmId ?? null;
  if (options.defaultFarmCode) {
    const farm = await db.farm.findUnique({ where: { code: options.defaultFarmCode }, select: { id: true } });
    if (!farm) throw new InvalidError(`Unknown farm code ${options.defaultFarmCode}.`, { default_farm: ["Unknown farm code"] });
    farmId = farm.id;
  } else if (farmId !== null && !(await db.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) {
    throw new InvalidError("Unknown default farm.", { default_farm: ["Unknown farm"] });
  }
  if (farmId !== null && scope !== null && farmId !== scope) throw new ForbiddenError("The default farm is outside yours.");
  return farmId;
}

type CreateRow = Extract<ValidRow, { action: "create" }> & { rowNumber: number };
type UpdateRow = Extract<ValidRow, { action: "update" }> & { rowNumber: number };
type Analysis = ImportPreview & { creates: CreateRow[]; updates: UpdateRow[]; defaultFarmId: number | null };

/** Counts an error and keeps it for the report, up to MAX_REPORTED_ERRORS. */
function report(analysis: Pick<ImportPreview, "errors" | "errorCount">, error: ImportError) {
  analysis.errorCount++;
  if (analysis.errors.length < MAX_REPORTED_ERRORS) analysis.errors.push(error);
}

/** The one streaming pass shared by preview and import; `keep` holds the valid rows for writing. */
async function analyse(db: Db, actor: Actor, source: CsvSource, options: ImportOptions, keep: boolean): Promise<Analysis> {
  requireImport(actor);
  const defaultFarmId = await resolveDefaultFarm(db, actor, options);
  const file = await openCsv(source);
  const [farms, groups] = await Promise.all([
    db.farm.findMany({ select: { id: true, code: true } }),
    db.deviceGroup.findMany({ select: { id: true, code: true, name: true, farmId: true, deviceTypeFilter: true, active: true } }),
  ]);
  const context: RowContext = {
    mode: options.mode,
    farmsByCode: new Map(farms.map((farm) => [farm.code, farm.id])),
    defaultFarmId,
    groupsByCode: new Map(groups.map((group) => [group.code, group])),
    groupsById: new Map(groups.map((group) => [group.id, group])),
    existing: new Map(),
    seen: new Map(),
    farmScope: farmScope(actor),
  };
  const analysis: Analysis = {
    totalRows: 0,
    toCreate: 0,
    toUpdate: 0,
    toSkip: 0,
    rejected: 0,
    columns: file.header.columns,
    unknownColumns: file.header.unknownColumns,
    firstRows: [],
    errors: [],
    errorCount: 0,
    creates: [],
    updates: [],
    defaultFarmId,
  };

  let chunk: { rowNumber: number; row: Partial<Record<ImportColumn, string>>; fieldCountError?: string }[] = [];
  const flush = async () => {
    const ids = [...new Set(chunk.map((item) => (item.row.device_id ?? "").trim().toUpperCase()).filter(Boolean))];
    const found = ids.length ? await db.device.findMany({ where: { deviceId: { in: ids } }, select: EXISTING_SELECT }) : [];
    context.existing = new Map(found.map(({ deviceId, ...device }) => [deviceId, device as ExistingDevice]));
    for (const item of chunk) {
      analysis.totalRows++;
      const result = validateRow(item.row, item.rowNumber, context);
      const errors = item.fieldCountError ? [{ column: "*", message: item.fieldCountError }, ...(result.ok ? [] : result.errors)] : result.ok ? [] : result.errors;
      let action: ImportPreview["firstRows"][number]["action"];
      if (errors.length || !result.ok) {
        action = "rejected";
        analysis.rejected++;
        for (const error of errors) report(analysis, { row: item.rowNumber, ...error });
      } else {
        action = result.action;
        if (result.action === "create") {
          analysis.toCreate++;
          if (keep) analysis.creates.push({ ...result, rowNumber: item.rowNumber });
        } else if (result.action === "update") {
          analysis.toUpdate++;
          if (keep) analysis.updates.push({ ...result, rowNumber: item.rowNumber });
        } else analysis.toSkip++;
      }
      if (analysis.firstRows.length < FIRST_ROWS) analysis.firstRows.push({ row: item.rowNumber, action, values: item.row });
    }
    chunk = [];
  };
  for await (const { rowNumber, record, fieldCountError } of file.records) {
    chunk.push({ rowNumber, row: recordToRow(file.header.positions, record), fieldCountError });
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return analysis;
}

/** What an import of this file would do; writes nothing. */
export async function previewImport(db: Db, actor: Actor, source: CsvSource, options: ImportOptions): Promise<ImportPreview> {
  const analysis = await analyse(db, actor, source, options, false);
  return {
    totalRows: analysis.totalRows,
    toCreate: analysis.toCreate,
    toUpdate: analysis.toUpdate,
    toSkip: analysis.toSkip,
    rejected: analysis.rejected,
    columns: analysis.columns,
    unknownColumns: analysis.unknownColumns,
    firstRows: analysis.firstRows,
    errors: analysis.errors,
    errorCount: analysis.errorCount,
  };
}

function jsonValue(value: unknown): Prisma.InputJsonValue | null {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value === undefined ? null : (value as Prisma.InputJsonValue);
}

function jsonFields(fields: Record<string, unknown>): Prisma.InputJsonObject {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, jsonValue(value)]));
}

type Tx = Prisma.TransactionClient;
const dateText = (value: Date | undefined) => (value ? value.toISOString().slice(0, 10) : null);

/**
 * One INSERT … SELECT FROM unnest(arrays) per chunk: a column array per field instead of
 * Prisma's createMany (a bound parameter per row and column), several times faster for 10,000 rows.
 * An id registered since the file was checked (another import of the same ids at the same moment)
 * is left out rather than failing the statement: the ids written come back, the others are that row's conflict.
 */
async function insertDevices(tx: Tx, rows: CreateRow[], meta: { now: Date; provisionedById: number | null }): Promise<Set<string>> {
  const col = <T>(pick: (row: CreateRow) => T) => rows.map(pick);
  const written = await tx.$queryRaw<{ device_id: string }[]>`
    INSERT INTO devices (device_id, device_type, name, farm_id, manufacturer, model, serial_number, mac_address, hardware_version,
      location_description, latitude, longitude, group_id, purchase_date, warranty_end,
      state, provisioning_method, provisioning_date, provisioned_by_id, updated_at)
    SELECT d.device_id, d.device_type::"DeviceType", d.name, d.farm_id, d.manufacturer, d.model, d.serial_number, d.mac_address, d.hardware_version,
      d.location_description, d.latitude, d.longitude, d.group_id, d.purchase_date::date, d.warranty_end::date,
      'registered'::"DeviceState", 'csv_import'::"ProvisioningMethod", ${meta.now}::timestamptz, ${meta.provisionedById}::int, ${meta.now}::timestamptz
    FROM unnest(
      ${col((row) => row.deviceId)}::text[], ${col((row) => row.deviceType)}::text[], ${col((row) => row.fields.name)}::text[], ${col((row) => row.fields.farmId)}::int[],
      ${col((row) => row.fields.manufacturer ?? null)}::text[], ${col((row) => row.fields.model ?? null)}::text[], ${col((row) => row.fields.serialNumber ?? null)}::text[],
      ${col((row) => row.fields.macAddress ?? null)}::text[], ${col((row) => row.fields.hardwareVersion ?? null)}::text[], ${col((row) => row.fields.locationDescription ?? null)}::text[],
      ${col((row) => row.fields.latitude ?? null)}::float8[], ${col((row) => row.fields.longitude ?? null)}::float8[], ${col((row) => row.fields.groupId ?? null)}::int[],
      ${col((row) => dateText(row.fields.purchaseDate))}::text[], ${col((row) => dateText(row.fields.warrantyEnd))}::text[]
    ) AS d(device_id, device_type, name, farm_id, manufacturer, model, serial_number, mac_address, hardware_version,
      location_description, latitude, longitude, group_id, purchase_date, warranty_end)
    ON CONFLICT (device_id) DO NOTHING
    RETURNING device_id`;
  return new Set(written.map((row) => row.device_id));
}

/**
 * One UPDATE … FROM unnest(arrays) per chunk; a null (an empty cell) keeps the stored value. A
 * device retired since the file was checked is left as it is (lib/devices/lifecycle editRefusal):
 * the ids written come back.
 */
async function updateDevices(tx: Tx, rows: UpdateRow[], now: Date): Promise<Set<string>> {
  const col = <T>(pick: (row: UpdateRow) => T) => rows.map(pick);
  const written = await tx.$queryRaw<{ device_id: string }[]>`
    UPDATE devices AS t SET
      name = COALESCE(d.name, t.name),
      farm_id = COALESCE(d.farm_id, t.farm_id),
      manufacturer = COALESCE(d.manufacturer, t.manufacturer),
      model = COALESCE(d.model, t.model),
      serial_number = COALESCE(d.serial_number, t.serial_number),
      mac_address = COALESCE(d.mac_address, t.mac_address),
      hardware_version = COALESCE(d.hardware_version, t.hardware_version),
      location_description = COALESCE(d.location_description, t.location_description),
      latitude = COALESCE(d.latitude, t.latitude),
      longitude = COALESCE(d.longitude, t.longitude),
      group_id = COALESCE(d.group_id, t.group_id),
      purchase_date = COALESCE(d.purchase_date::date, t.purchase_date),
      warranty_end = COALESCE(d.warranty_end::date, t.warranty_end),
      updated_at = ${now}::timestamptz
    FROM unnest(
      ${col((row) => row.deviceId)}::text[], ${col((row) => row.fields.name ?? null)}::text[], ${col((row) => row.fields.farmId ?? null)}::int[],
      ${col((row) => row.fields.manufacturer ?? null)}::text[], ${col((row) => row.fields.model ?? null)}::text[], ${col((row) => row.fields.serialNumber ?? null)}::text[],
      ${col((row) => row.fields.macAddress ?? null)}::text[], ${col((row) => row.fields.hardwareVersion ?? null)}::text[], ${col((row) => row.fields.locationDescription ?? null)}::text[],
      ${col((row) => row.fields.latitude ?? null)}::float8[], ${col((row) => row.fields.longitude ?? null)}::float8[], ${col((row) => row.fields.groupId ?? null)}::int[],
      ${col((row) => dateText(row.fields.purchaseDate))}::text[], ${col((row) => dateText(row.fields.warrantyEnd))}::text[]
    ) AS d(device_id, name, farm_id, manufacturer, model, serial_number, mac_address, hardware_version,
      location_description, latitude, longitude, group_id, purchase_date, warranty_end)
    WHERE t.device_id = d.device_id AND t.state <> 'decommissioned'
    RETURNING t.device_id`;
  return new Set(written.map((row) => row.device_id));
}

/** Rows the database refused at write time; in "import nothing" mode they roll the import back. */
class RowConflicts extends Error {
  constructor(readonly errors: ImportError[]) {
    super("Rows changed meanwhile");
  }
}

/**
 * The "imported" history entry of every device of a chunk, as one INSERT … SELECT FROM unnest: Prisma's
 * createMany binds a parameter per row and column and was more than half of the import's time.
 */
async function insertHistory(
  tx: Tx,
  who: ReturnType<typeof auditActor>,
  now: Date,
  entries: { deviceId: string; before: Prisma.InputJsonObject | null; after: Prisma.InputJsonObject }[],
) {
  await tx.$executeRaw`
    INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, before, after, created_at)
    SELECT 'device', h.entity_id, 'imported', ${who.actorId}::int, ${who.actorLabel}, h.before, h.after, ${now}::timestamptz
    FROM unnest(${entries.map((entry) => entry.deviceId)}::text[], ${entries.map((entry) => (entry.before ? JSON.stringify(entry.before) : null))}::jsonb[],
      ${entries.map((entry) => JSON.stringify(entry.after))}::jsonb[]) AS h(entity_id, before, after)`;
}

/**
 * Imports the file: every valid row in one transaction (devices and one "imported" history entry
 * each), or nothing when a row is wrong and skipErrors is off. The batch is recorded either way.
 */
export async function runImport(db: Db, actor: Actor, source: CsvSource, options: ImportOptions): Promise<ImportResult> {
  const analysis = await analyse(db, actor, source, options, true);
  const refused = analysis.rejected > 0 && !options.skipErrors;
  const batch = await db.importBatch.create({
    data: {
      fileName: options.fileName.slice(0, 255),
      mode: options.mode,
      skipErrors: options.skipErrors,
      defaultFarmId: analysis.defaultFarmId,
      state: refused ? "failed" : "importing",
      totalRows: analysis.totalRows,
      skippedCount: analysis.toSkip,
      errorCount: analysis.errorCount,
      errorReport: analysis.errors,
      createdById: actor.kind === "user" ? actor.id : null,
      finishedAt: refused ? new Date() : null,
    },
    select: { id: true },
  });
  const result = (state: ImportResult["state"], created: number, updated: number): ImportResult => ({
    batchId: batch.id,
    state,
    totalRows: analysis.totalRows,
    created,
    updated,
    skipped: analysis.toSkip,
    rejected: analysis.rejected,
    errors: analysis.errors,
    errorCount: analysis.errorCount,
  });
  if (refused) return result("failed", 0, 0);

  const who = auditActor(actor);
  const now = new Date();
  // Rows another writer got to first (an id registered, a device retired since the check) are
  // that row's error, like any found while checking: skipped, or the whole import undone.
  const conflicts: ImportError[] = [];
  const conflict = (error: ImportError) => conflicts.push(error);
  const stopOnConflict = () => {
    if (conflicts.length && !options.skipErrors) throw new RowConflicts(conflicts);
  };
  let created = 0;
  let updated = 0;
  try {
    await db.$transaction(
      async (tx) => {
        for (let start = 0; start < analysis.creates.length; start += CHUNK) {
          const slice = analysis.creates.slice(start, start + CHUNK);
          const written = await insertDevices(tx, slice, { now, provisionedById: actor.kind === "user" ? actor.id : null });
          for (const row of slice) {
            if (!written.has(row.deviceId)) conflict({ row: row.rowNumber, column: "device_id", message: `${row.deviceId} was registered meanwhile (by another import or person); it was not imported` });
          }
          stopOnConflict();
          const done = slice.filter((row) => written.has(row.deviceId));
          created += done.length;
          await insertHistory(tx, who, now, done.map((row) => ({ deviceId: row.deviceId, before: null, after: { batchId: batch.id, deviceType: row.deviceType, ...jsonFields(row.fields) } })));
        }
        for (let start = 0; start < analysis.updates.length; start += CHUNK) {
          const slice = analysis.updates.slice(start, start + CHUNK);
          const written = await updateDevices(tx, slice, now);
          for (const row of slice) {
            if (!written.has(row.deviceId)) conflict({ row: row.rowNumber, column: "device_id", message: `${row.deviceId} was retired meanwhile; it was not changed` });
          }
          stopOnConflict();
          const done = slice.filter((row) => written.has(row.deviceId));
          updated += done.length;
          await insertHistory(
            tx,
            who,
            now,
            done.map((row) => ({
              deviceId: row.deviceId,
              before: jsonFields(Object.fromEntries(Object.entries(row.changes).map(([key, change]) => [key, change.before]))),
              after: { batchId: batch.id, ...jsonFields(row.fields) },
            })),
          );
        }
        for (const error of conflicts) report(analysis, error);
        analysis.rejected += conflicts.length;
        await tx.importBatch.update({
          where: { id: batch.id },
          data: { state: "done", createdCount: created, updatedCount: updated, errorCount: analysis.errorCount, errorReport: analysis.errors, finishedAt: new Date() },
        });
        await tx.auditEvent.create({
          data: { ...who, entityType: "import_batch", entityId: String(batch.id), action: "imported", after: { fileName: options.fileName, mode: options.mode, created, updated, rejected: analysis.rejected } },
        });
      },
      { timeout: 10 * 60_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (error instanceof RowConflicts) {
      for (const rowError of error.errors) report(analysis, rowError);
      analysis.rejected += error.errors.length;
      await db.importBatch.update({ where: { id: batch.id }, data: { state: "failed", finishedAt: new Date(), errorCount: analysis.errorCount, errorReport: analysis.errors } });
      return result("failed", 0, 0);
    }
    const clash = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
    const message = clash ? "A device id of the file was registered by someone else meanwhile; nothing was imported." : "The import failed; nothing was imported.";
    await db.importBatch.update({
      where: { id: batch.id },
      data: { state: "failed", finishedAt: new Date(), errorReport: [...analysis.errors, { row: 0, column: "*", message }] },
    });
    if (clash) throw new ConflictError(message);
    throw error;
  }
  return result("done", created, updated);
}

export type ImportBatchSummary = {
  id: number;
  fileName: string;
  mode: ImportMode;
  skipErrors: boolean;
  state: "previewed" | "importing" | "done" | "failed";
  totalRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  errorCount: number;
  createdAt: Date;
  finishedAt: Date | null;
  createdBy: string | null;
};

/** The latest batches, newest first; a farm-bound importer sees only their own. */
export async function listImportBatches(db: Db, actor: Actor, options: { take?: number } = {}): Promise<ImportBatchSummary[]> {
  requireImport(actor);
  const mine = farmScope(actor) !== null;
  const batches = await db.importBatch.findMany({
    where: mine ? { createdById: actor.kind === "user" ? actor.id : -1 } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 50, 200),
    omit: { errorReport: true, defaultFarmId: true },
  });
  const userIds = [...new Set(batches.map((batch) => batch.createdById).filter((id): id is number => id !== null))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [];
  const email = new Map(users.map((user) => [user.id, user.email]));
  return batches.map(({ createdById, ...batch }) => ({ ...batch, createdBy: createdById === null ? null : (email.get(createdById) ?? null) }));
}

/** A batch's rejected rows as CSV (row, column, message), to fix the file with. */
export async function importErrorReportCsv(db: Db, actor: Actor, batchId: number): Promise<{ fileName: string; csv: string }> {
  requireImport(actor);
  const batch = await db.importBatch.findUnique({ where: { id: batchId }, select: { fileName: true, errorReport: true, createdById: true } });
  if (!batch || (farmScope(actor) !== null && batch.createdById !== (actor.kind === "user" ? actor.id : -1))) throw new NotFoundError("No such import batch.");
  const errors = (Array.isArray(batch.errorReport) ? batch.errorReport : []) as ImportError[];
  const base = batch.fileName.replace(/\.csv$/i, "");
  return { fileName: `${base}-errors.csv`, csv: stringify([["row", "column", "message"], ...errors.map((error) => [error.row, error.column, error.message])]) };
}

