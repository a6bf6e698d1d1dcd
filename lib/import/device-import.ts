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
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, PayloadTooLargeError } from "../errors";
import { columnKeys, guessMapping, IGNORE, mappingIssues, mappingToObject, resolveMapping, type ColumnMapping } from "./column-mapping";
import { MAX_IMPORT_ROWS, tooManyRows, type CsvSource } from "./csv-reader";
import { openImportFile, type ReadOptions, type Reading } from "./file-reader";
import { readOnlyReason, type ImportColumn } from "./import-columns";
import { rememberedMapping, rememberMapping } from "./import-mappings";
import { duplicateInFile, FormatSurvey, normaliseMac, prepareRow, stagingKeys, type ColumnFormats, type ImportWarning, type Row, type ValueOptions } from "./row-preparation";
import { ImportStaging, type KeptRow, type StagedRow } from "./import-staging";
import { columnLetter } from "./spreadsheet-reader";
import { type DateFormat, type DecimalSeparator } from "./value-formats";
import { validateRow, type ExistingDevice, type ImportedFields, type ImportMode, type RowContext, type ValidRow } from "./row-validation";

/** Staged rows read back and checked per round trip to the database. */
const PAGE = 5000;
/** The error report keeps this many errors (the count says how many there were). */
export const MAX_REPORTED_ERRORS = 10_000;
/** Likewise for warnings. */
export const MAX_REPORTED_WARNINGS = 10_000;
const FIRST_ROWS = 20;

/** How to read the file (lib/import/file-reader.ts) and its values (lib/import/value-formats.ts). */
export type ImportReadOptions = ReadOptions & ValueOptions;

export type ImportOptions = {
  fileName: string;
  mode: ImportMode;
  skipErrors: boolean;
  defaultFarmId?: number | null;
  /** A farm code for rows without farm_code (the API's `default_farm`); resolved here. */
  defaultFarmCode?: string | null;
  read?: ImportReadOptions;
  /**
   * Which field each column fills, as sent (a list in file order or an object by column name);
   * absent: the mapping remembered for these headers, else the one guessed from their names.
   */
  mapping?: unknown;
  /** The dry run this import follows: its batch becomes the import's, so one attempt is one batch. */
  batchId?: number | null;
  /** Tags the file names that do not exist are created (else each is its row's error). */
  createTags?: boolean;
};

/** `row` is the file's line where the row starts (lib/import/csv-reader.ts), in every report. */
export type ImportError = { row: number; column: string; message: string };
export type { ImportWarning };

/** How the file was read, and the mapping used: shown with the preview, kept with the batch. */
export type ImportReading = Reading & {
  dateFormat: DateFormat;
  decimal: DecimalSeparator;
  /** What the whole date columns showed (auto), e.g. day-first from "25/12/2026". */
  detectedDates: ColumnFormats["dates"];
  detectedDecimal: "." | ",";
  headers: string[];
  mapping: ColumnMapping;
  mappingSource: "sent" | "remembered" | "guessed";
};

export type ImportPreview = {
  /** The dry run's batch (every attempt is recorded). */
  batchId: number;
  totalRows: number;
  toCreate: number;
  toUpdate: number;
  /** Valid rows that would change nothing (an existing device with the same values). */
  toSkip: number;
  rejected: number;
  columns: ImportColumn[];
  unknownColumns: string[];
  /** Columns of the devices export that are not imported, with why ("read-only: reported by the device"). */
  readOnlyColumns: { column: string; reason: string }[];
  /** Tags the file names that do not exist: created by the import ("Create tags that do not exist"). */
  newTags: string[];
  firstRows: { row: number; action: "create" | "update" | "unchanged" | "rejected"; values: Partial<Record<ImportColumn, string>> }[];
  /** Every error, up to MAX_REPORTED_ERRORS; errorCount counts all of them. */
  errors: ImportError[];
  errorCount: number;
  /** Values that look damaged but do not stop their row, up to MAX_REPORTED_WARNINGS. */
  warnings: ImportWarning[];
  warningCount: number;
  reading: ImportReading;
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
  warnings: ImportWarning[];
  warningCount: number;
  reading: ImportReading;
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
  warrantyStart: true,
  warrantyEnd: true,
  warrantyTerms: true,
  supplier: true,
  purchaseOrder: true,
  unitCost: true,
  storageLocation: true,
  lastCalibration: true,
  nextMaintenanceDate: true,
  metadata: true,
  tags: { select: { tag: { select: { name: true } } } },
} satisfies Prisma.DeviceSelect;

/** A device as the row validation compares it: the values as the export writes them. */
function existingDevice(device: Prisma.DeviceGetPayload<{ select: typeof EXISTING_SELECT }>): ExistingDevice {
  const { tags, unitCost, lastCalibration } = device;
  return {
    ...device,
    tags: tags.map((link) => link.tag.name).sort(),
    unitCost: unitCost === null ? null : Number(unitCost),
    // the export writes the day (UTC) of the last calibration; the same day is no change
    lastCalibration: lastCalibration === null ? null : new Date(lastCalibration.toISOString().slice(0, 10)),
  };
}

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

type Analysis = Omit<ImportPreview, "batchId"> & { defaultFarmId: number | null };

/** A valid row as the staging keeps it for writing: its fields, tags and history entry. */
function keptRow(rowNumber: number, result: Extract<ValidRow, { action: "create" | "update" }>): KeptRow {
  const { fields } = result;
  return {
    rowNumber,
    action: result.action,
    deviceId: result.deviceId,
    deviceType: result.deviceType,
    fields: rowJson(fields),
    tags: fields.tags ?? null,
    before: result.action === "update" ? JSON.stringify(jsonFields(Object.fromEntries(Object.entries(result.changes).map(([key, change]) => [key, change.before])))) : null,
    after: JSON.stringify(result.action === "create" ? { deviceType: result.deviceType, ...jsonFields(fields) } : jsonFields(fields)),
  };
}

/** Counts an error and keeps it for the report, up to MAX_REPORTED_ERRORS. */
function report(analysis: Pick<ImportPreview, "errors" | "errorCount">, error: ImportError) {
  analysis.errorCount++;
  if (analysis.errors.length < MAX_REPORTED_ERRORS) analysis.errors.push(error);
}

function warn(analysis: Pick<ImportPreview, "warnings" | "warningCount">, warning: ImportWarning) {
  analysis.warningCount++;
  if (analysis.warnings.length < MAX_REPORTED_WARNINGS) analysis.warnings.push(warning);
}

/**
 * The mapping to read the file with: the one sent, else the one remembered for these headers,
 * else the guess. A mapping that cannot be applied to these headers, or leaves a required field
 * without a column or gives a field two, refuses the file (the messages name the columns).
 */
export async function chooseMapping(db: Db, headers: string[], sent: unknown): Promise<{ mapping: ColumnMapping; source: ImportReading["mappingSource"]; options: Record<string, unknown> }> {
  let mapping: ColumnMapping;
  let source: ImportReading["mappingSource"];
  let options: Record<string, unknown> = {};
  if (sent !== undefined && sent !== null && sent !== "") {
    const resolved = resolveMapping(headers, sent);
    if ("error" in resolved) throw new InvalidError(`${resolved.error}.`, { mapping: [resolved.error] });
    mapping = resolved.mapping;
    source = "sent";
  } else {
    const remembered = await rememberedMapping(db, headers);
    mapping = remembered?.mapping ?? guessMapping(headers);
    source = remembered ? "remembered" : "guessed";
    options = remembered?.options ?? {};
  }
  const issues = mappingIssues(headers, mapping);
  const missing = issues.filter((issue) => issue.columns.length === 0).map((issue) => issue.field!);
  if (missing.length) {
    throw new InvalidError(`The header has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}.`, {
      file: [`Required columns: device_id, name, device_type (found: ${headers.map((name) => name.trim()).join(", ") || "none"}); map a column to each`],
    });
  }
  const twice = issues.filter((issue) => issue.columns.length > 1);
  if (twice.length) {
    const keys = columnKeys(headers);
    const messages = twice.map((issue) => `Two columns hold ${issue.field}: ${issue.columns.map((index) => `"${keys[index]}"`).join(" and ")}.`);
    throw new InvalidError(messages.join(" "), { file: ["Delete or rename all but one of them"] });
  }
  return { mapping, source, options };
}

/** The one pass shared by preview and import; `keep` stages the valid rows for writing. */
async function analyse(db: Db, actor: Actor, source: CsvSource, options: ImportOptions, keep: boolean, attempt: Attempt, staging: ImportStaging): Promise<Analysis> {
  const defaultFarmId = await resolveDefaultFarm(db, actor, options);
  // creating a tag is the tags screen's right (lib/tags/tags.ts), asked here before any row is read
  if (options.createTags && !can(actor.role, "groups.write")) throw new ForbiddenError(`Your role (${actor.role}) cannot create tags; untick “Create tags that do not exist”.`);
  const read = options.read ?? {};
  const file = await openImportFile(source, options.fileName, read);
  const { mapping, source: mappingSource, options: remembered } = await chooseMapping(db, file.headers, options.mapping);
  const keys = columnKeys(file.headers);
  const keyOf: Partial<Record<ImportColumn, string>> = {};
  mapping.forEach((target, index) => {
    if (target !== IGNORE) keyOf[target] = keys[index];
  });
  const valueOptions: ValueOptions = {
    dateFormat: read.dateFormat && read.dateFormat !== "auto" ? read.dateFormat : ((remembered.dateFormat as DateFormat | undefined) ?? "auto"),
    decimal: read.decimal && read.decimal !== "auto" ? read.decimal : ((remembered.decimal as DecimalSeparator | undefined) ?? "auto"),
  };
  const readingNow = () => ({ ...file.reading(), dateFormat: valueOptions.dateFormat ?? "auto", decimal: valueOptions.decimal ?? "auto", headers: file.headers, mapping });
  attempt.reading = readingNow;

  // Every row is staged before any is checked: a date format is detected from the whole column,
  // surveyed here as the rows stream past into the staging table (lib/import/import-staging.ts).
  const survey = new FormatSurvey();
  const staged = async function* (): AsyncGenerator<StagedRow> {
    let count = 0;
    for await (const { rowNumber, record, fieldCountError } of file.records) {
      if (++count > MAX_IMPORT_ROWS) throw tooManyRows();
      const row: Row = {};
      mapping.forEach((target, index) => {
        if (target !== IGNORE) row[target] = record[index] ?? "";
      });
      survey.add(row);
      yield { rowNumber, fieldCountError, row, keys: stagingKeys(row) };
    }
  };
  await staging.load(staged());
  await staging.check();
  const formats = survey.formats(valueOptions);

  const [farms, groups, tags] = await Promise.all([
    db.farm.findMany({ select: { id: true, code: true } }),
    db.deviceGroup.findMany({ select: { id: true, code: true, name: true, farmId: true, deviceTypeFilter: true, active: true } }),
    db.deviceTag.findMany({ select: { name: true } }),
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
    tagsByName: new Map(tags.map((tag) => [tag.name.toLowerCase(), tag.name])),
    createTags: options.createTags ?? false,
    newTags: new Map(),
  };
  const analysis: Analysis = {
    totalRows: 0,
    toCreate: 0,
    toUpdate: 0,
    toSkip: 0,
    rejected: 0,
    columns: mapping.filter((target): target is ImportColumn => target !== IGNORE),
    unknownColumns: file.headers.filter((header, index) => mapping[index] === IGNORE && header.trim() !== "" && !readOnlyReason(header)).map((header) => header.trim()),
    readOnlyColumns: file.headers.flatMap((header, index) => {
      const reason = mapping[index] === IGNORE ? readOnlyReason(header) : null;
      return reason ? [{ column: header.trim(), reason }] : [];
    }),
    firstRows: [],
    errors: [],
    errorCount: 0,
    warnings: [],
    warningCount: 0,
    reading: { ...readingNow(), detectedDates: formats.dates, detectedDecimal: formats.decimal, mappingSource },
    defaultFarmId,
    newTags: [],
  };
  file.headers.forEach((header, index) => {
    // the export's read-only columns are ignored on purpose: listed apart, not a warning on every round trip
    if (mapping[index] === IGNORE && header.trim() !== "" && !readOnlyReason(header)) {
      warn(analysis, { row: file.headerRow, column: keys[index]!, code: "column_ignored", message: `Column “${keys[index]}” is ignored: its values are not imported` });
    }
  });
  for (const note of file.notes) warn(analysis, { row: note.rowNumber, column: keys[note.column] ?? columnLetter(note.column), code: note.code, message: note.message });

  for await (const page of staging.pages(PAGE)) {
    const registered = page.flatMap((item) => (item.registeredId === null ? [] : [item.registeredId]));
    const found = registered.length ? await db.device.findMany({ where: { id: { in: registered } }, select: EXISTING_SELECT }) : [];
    context.existing = new Map(found.map((device) => [device.deviceId, existingDevice(device)]));
    const kept: KeptRow[] = [];
    for (const item of page) {
      analysis.totalRows++;
      const { row, errors: valueErrors, warnings } = prepareRow(item.row, formats, keyOf);
      const rowWarnings = [...warnings, ...duplicateInFile(row, item)];
      if (item.serialTwin) rowWarnings.push({ column: "serial_number", code: "duplicate_in_registry", message: `Serial ${row.serial_number} is already on device ${item.serialTwin}` });
      const mac = normaliseMac(row.mac_address);
      if (item.macTwin && mac) rowWarnings.push({ column: "mac_address", code: "duplicate_in_registry", message: `MAC ${mac} is already on device ${item.macTwin}` });
      for (const warning of rowWarnings) warn(analysis, { row: item.rowNumber, ...warning, column: keyOf[warning.column as ImportColumn] ?? warning.column });

      // the file's earlier row with this id, found in SQL, is what validateRow would have seen
      const idKey = item.idFirst === null ? null : stagingKeys(row).idKey;
      context.seen = new Map(idKey ? [[idKey, item.idFirst!]] : []);
      const result = validateRow(row, item.rowNumber, context);
      const errors = [...(item.fieldCountError ? [{ column: "*", message: item.fieldCountError }] : []), ...valueErrors, ...(result.ok ? [] : result.errors)];
      // A move to another farm takes the device out of its group (the row names the new farm's group).
      if (result.ok && result.action === "update" && result.changes.farmId) {
        const before = context.existing.get(result.deviceId);
        const group = before?.groupId != null ? context.groupsById.get(before.groupId) : undefined;
        if (group && result.fields.groupId !== undefined && result.fields.groupId !== group.id) {
          warn(analysis, { row: item.rowNumber, column: keyOf.farm_code ?? "farm_code", code: "group_dropped", message: `${result.deviceId} moves to another farm and leaves group “${group.name}”` });
        }
      }
      let action: ImportPreview["firstRows"][number]["action"];
      if (errors.length || !result.ok) {
        action = "rejected";
        analysis.rejected++;
        for (const error of errors) report(analysis, { row: item.rowNumber, ...error });
      } else {
        action = result.action;
        if (result.action === "create") {
          analysis.toCreate++;
          if (keep) kept.push(keptRow(item.rowNumber, result));
        } else if (result.action === "update") {
          analysis.toUpdate++;
          if (keep) kept.push(keptRow(item.rowNumber, result));
        } else analysis.toSkip++;
      }
      if (analysis.firstRows.length < FIRST_ROWS) analysis.firstRows.push({ row: item.rowNumber, action, values: item.row });
    }
    await staging.keep(kept);
  }
  analysis.newTags = [...context.newTags!.values()];
  // the encoding may have turned out Windows-1252 past an ASCII start
  analysis.reading = { ...analysis.reading, ...readingNow() };
  return analysis;
}

/** What is known of an attempt when it stops: enough to record it. */
type Attempt = { reading: () => Omit<ImportReading, "detectedDates" | "detectedDecimal" | "mappingSource"> | null };

function readOptionsJson(reading: ReturnType<Attempt["reading"]>, headers?: string[]): Prisma.InputJsonValue | undefined {
  if (!reading) return undefined;
  const { mapping, headers: readHeaders, ...rest } = reading;
  return { ...rest, mapping: mappingToObject(headers ?? readHeaders, mapping) } as Prisma.InputJsonValue;
}

/**
 * A file refused before any row was checked (unreadable, wrong encoding, no required column): the
 * attempt is still recorded, with the reason, so the history shows what people tried.
 */
async function recordRefusal(db: Db, actor: Actor, options: Pick<ImportOptions, "fileName" | "mode" | "skipErrors" | "batchId">, attempt: Attempt, error: InvalidError | PayloadTooLargeError): Promise<void> {
  const details = Object.values(error.fieldErrors ?? {}).flat().filter(Boolean);
  const reason = details.length ? `${error.message} (${details.join("; ")})` : error.message;
  const data = {
    fileName: options.fileName.slice(0, 255),
    mode: options.mode,
    skipErrors: options.skipErrors,
    state: "refused" as const,
    errorCount: 1,
    errorReport: [{ row: 0, column: "file", message: reason }],
    failureReason: reason,
    readOptions: readOptionsJson(attempt.reading()),
    createdById: actor.kind === "user" ? actor.id : null,
    finishedAt: new Date(),
  };
  const reused = options.batchId ? await claimDryRun(db, actor, options.batchId) : null;
  if (reused) await db.importBatch.update({ where: { id: reused }, data: { ...data, totalRows: 0, createdCount: 0, updatedCount: 0, skippedCount: 0, warningCount: 0, warningReport: [] } });
  else await db.importBatch.create({ data });
}

/** A file the options step could not open at all, recorded as a refused attempt. */
export async function recordRefusedFile(db: Db, actor: Actor, options: Pick<ImportOptions, "fileName" | "mode" | "skipErrors">, error: InvalidError | PayloadTooLargeError): Promise<void> {
  await recordRefusal(db, actor, options, { reading: () => null }, error);
}

/** Runs the analysis; a refusal (a DomainError of the file, not of the caller's rights) is recorded as a refused batch, then thrown. */
async function attemptAnalysis(db: Db, actor: Actor, source: CsvSource, options: ImportOptions, keep: boolean, staging: ImportStaging): Promise<Analysis> {
  requireImport(actor);
  const attempt: Attempt = { reading: () => null };
  try {
    return await analyse(db, actor, source, options, keep, attempt, staging);
  } catch (error) {
    if (error instanceof InvalidError || error instanceof PayloadTooLargeError) await recordRefusal(db, actor, options, attempt, error);
    throw error;
  }
}

/** A dry run of this caller's that an import may carry on, or null. */
async function claimDryRun(db: Db, actor: Actor, batchId: number): Promise<number | null> {
  const batch = await db.importBatch.findUnique({ where: { id: batchId }, select: { id: true, state: true, createdById: true } });
  if (!batch || batch.state !== "dry_run") return null;
  if (batch.createdById !== (actor.kind === "user" ? actor.id : null)) return null;
  return batch.id;
}

/** What an import of this file would do; writes no device, and records the dry run as a batch. */
export async function previewImport(db: Db, actor: Actor, source: CsvSource, options: ImportOptions): Promise<ImportPreview> {
  requireImport(actor);
  const analysis = await withStaging((staging) => attemptAnalysis(db, actor, source, options, false, staging));
  // A dry run's counts are what the import would do: created/updated here mean "would create".
  const batch = await db.importBatch.create({
    data: {
      fileName: options.fileName.slice(0, 255),
      mode: options.mode,
      skipErrors: options.skipErrors,
      defaultFarmId: analysis.defaultFarmId,
      state: "dry_run",
      totalRows: analysis.totalRows,
      createdCount: analysis.toCreate,
      updatedCount: analysis.toUpdate,
      skippedCount: analysis.toSkip,
      errorCount: analysis.errorCount,
      errorReport: analysis.errors,
      warningCount: analysis.warningCount,
      warningReport: analysis.warnings,
      readOptions: readOptionsJson(analysis.reading),
      createdById: actor.kind === "user" ? actor.id : null,
      finishedAt: new Date(),
    },
    select: { id: true },
  });
  return {
    batchId: batch.id,
    totalRows: analysis.totalRows,
    toCreate: analysis.toCreate,
    toUpdate: analysis.toUpdate,
    toSkip: analysis.toSkip,
    rejected: analysis.rejected,
    columns: analysis.columns,
    unknownColumns: analysis.unknownColumns,
    readOnlyColumns: analysis.readOnlyColumns,
    newTags: analysis.newTags,
    firstRows: analysis.firstRows,
    errors: analysis.errors,
    errorCount: analysis.errorCount,
    warnings: analysis.warnings,
    warningCount: analysis.warningCount,
    reading: analysis.reading,
  };
}

function jsonValue(value: unknown): Prisma.InputJsonValue | null {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value === undefined ? null : (value as Prisma.InputJsonValue);
}

function jsonFields(fields: Record<string, unknown>): Prisma.InputJsonObject {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, jsonValue(value)]));
}

/**
 * A row's fields as one JSON object per device (dates as YYYY-MM-DD): a key present sets the
 * column, JSON null clears it, a key absent keeps it. Tags are written apart (writeTags).
 */
function rowJson(fields: ImportedFields): string {
  return JSON.stringify(jsonFields(Object.fromEntries(Object.entries(fields).filter(([key]) => key !== "tags"))));
}

/**
 * The new devices, one INSERT … SELECT from the staged valid rows, each device's fields one JSON
 * object. An id registered since the file was checked (another import of the same ids at the same
 * moment) is left out rather than failing the statement, and is its row's conflict (see MINE).
 * The count written.
 */
async function insertDevices(staging: ImportStaging, meta: { now: Date; provisionedById: number | null }): Promise<number> {
  const { rowCount } = await staging.query(
    `INSERT INTO devices (device_id, device_type, name, farm_id, state, manufacturer, model, serial_number, mac_address, hardware_version,
        location_description, latitude, longitude, group_id, purchase_date, warranty_start, warranty_end, warranty_terms, supplier,
        purchase_order, unit_cost, storage_location, last_calibration, next_maintenance_date, metadata,
        provisioning_method, provisioning_date, provisioned_by_id, updated_at)
      SELECT d.device_id, d.device_type::"DeviceType", d.f->>'name', (d.f->>'farmId')::int, COALESCE(d.f->>'state', 'registered')::"DeviceState",
        d.f->>'manufacturer', d.f->>'model', d.f->>'serialNumber', d.f->>'macAddress', d.f->>'hardwareVersion',
        d.f->>'locationDescription', (d.f->>'latitude')::float8, (d.f->>'longitude')::float8, (d.f->>'groupId')::int,
        (d.f->>'purchaseDate')::date, (d.f->>'warrantyStart')::date, (d.f->>'warrantyEnd')::date, d.f->>'warrantyTerms', d.f->>'supplier',
        d.f->>'purchaseOrder', (d.f->>'unitCost')::numeric, d.f->>'storageLocation', ((d.f->>'lastCalibration') || 'T00:00:00Z')::timestamptz,
        (d.f->>'nextMaintenanceDate')::date, COALESCE(NULLIF(d.f->'metadata', 'null'::jsonb), '{}'::jsonb),
        'csv_import'::"ProvisioningMethod", $1::timestamptz, $2::int, $1::timestamptz
      FROM import_valid d WHERE d.action = 'create' ORDER BY d.row_number
      ON CONFLICT (device_id) DO NOTHING`,
    [meta.now, meta.provisionedById],
  );
  return rowCount ?? 0;
}

/**
 * The changed devices, one UPDATE … FROM the staged valid rows. Only the fields the row changes are
 * in its JSON: an absent key keeps the column (an empty cell), a JSON null clears it (the <empty>
 * marker). A device retired since the file was checked is left as it is (lib/devices/lifecycle
 * editRefusal). The count written.
 */
async function updateDevices(staging: ImportStaging, now: Date): Promise<number> {
  const { rowCount } = await staging.query(
    `UPDATE devices AS t SET
        name = CASE WHEN d.f->'name' IS NULL THEN t.name ELSE d.f->>'name' END,
        farm_id = CASE WHEN d.f->'farmId' IS NULL THEN t.farm_id ELSE (d.f->>'farmId')::int END,
        state = CASE WHEN d.f->'state' IS NULL THEN t.state ELSE (d.f->>'state')::"DeviceState" END,
        manufacturer = CASE WHEN d.f->'manufacturer' IS NULL THEN t.manufacturer ELSE d.f->>'manufacturer' END,
        model = CASE WHEN d.f->'model' IS NULL THEN t.model ELSE d.f->>'model' END,
        serial_number = CASE WHEN d.f->'serialNumber' IS NULL THEN t.serial_number ELSE d.f->>'serialNumber' END,
        mac_address = CASE WHEN d.f->'macAddress' IS NULL THEN t.mac_address ELSE d.f->>'macAddress' END,
        hardware_version = CASE WHEN d.f->'hardwareVersion' IS NULL THEN t.hardware_version ELSE d.f->>'hardwareVersion' END,
        location_description = CASE WHEN d.f->'locationDescription' IS NULL THEN t.location_description ELSE d.f->>'locationDescription' END,
        latitude = CASE WHEN d.f->'latitude' IS NULL THEN t.latitude ELSE (d.f->>'latitude')::float8 END,
        longitude = CASE WHEN d.f->'longitude' IS NULL THEN t.longitude ELSE (d.f->>'longitude')::float8 END,
        group_id = CASE WHEN d.f->'groupId' IS NULL THEN t.group_id ELSE (d.f->>'groupId')::int END,
        purchase_date = CASE WHEN d.f->'purchaseDate' IS NULL THEN t.purchase_date ELSE (d.f->>'purchaseDate')::date END,
        warranty_start = CASE WHEN d.f->'warrantyStart' IS NULL THEN t.warranty_start ELSE (d.f->>'warrantyStart')::date END,
        warranty_end = CASE WHEN d.f->'warrantyEnd' IS NULL THEN t.warranty_end ELSE (d.f->>'warrantyEnd')::date END,
        warranty_terms = CASE WHEN d.f->'warrantyTerms' IS NULL THEN t.warranty_terms ELSE d.f->>'warrantyTerms' END,
        supplier = CASE WHEN d.f->'supplier' IS NULL THEN t.supplier ELSE d.f->>'supplier' END,
        purchase_order = CASE WHEN d.f->'purchaseOrder' IS NULL THEN t.purchase_order ELSE d.f->>'purchaseOrder' END,
        unit_cost = CASE WHEN d.f->'unitCost' IS NULL THEN t.unit_cost ELSE (d.f->>'unitCost')::numeric END,
        storage_location = CASE WHEN d.f->'storageLocation' IS NULL THEN t.storage_location ELSE d.f->>'storageLocation' END,
        last_calibration = CASE WHEN d.f->'lastCalibration' IS NULL THEN t.last_calibration ELSE ((d.f->>'lastCalibration') || 'T00:00:00Z')::timestamptz END,
        next_maintenance_date = CASE WHEN d.f->'nextMaintenanceDate' IS NULL THEN t.next_maintenance_date ELSE (d.f->>'nextMaintenanceDate')::date END,
        metadata = CASE WHEN d.f->'metadata' IS NULL THEN t.metadata ELSE COALESCE(NULLIF(d.f->'metadata', 'null'::jsonb), '{}'::jsonb) END,
        updated_at = $1::timestamptz
      FROM import_valid d
      WHERE d.action = 'update' AND t.device_id = d.device_id AND t.state <> 'decommissioned'`,
    [now],
  );
  return rowCount ?? 0;
}

/**
 * The tags the file names that do not exist yet, created once (the admin allowed it): a tag made
 * meanwhile by someone else is taken as it is. Recorded like the tags screen does.
 */
async function createMissingTags(staging: ImportStaging, actor: Actor, names: string[], now: Date): Promise<void> {
  if (!names.length) return;
  const who = auditActor(actor);
  await staging.query(
    `WITH created AS (
      INSERT INTO device_tags (name, farm_id, created_at)
      SELECT n, $2::int, $3::timestamptz FROM unnest($1::text[]) AS n
      ON CONFLICT (name) DO NOTHING
      RETURNING id, name)
    INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, actor_role, ip, via, credential, after)
    SELECT 'tag', c.id::text, 'created', $4::int, $5, $6, $7, $8, $9, jsonb_build_object('name', c.name, 'via', 'import') FROM created c ORDER BY c.id`,
    [names, farmScope(actor), now, who.actorId, who.actorLabel, who.actorRole, who.ip, who.via, who.credential],
  );
}

/**
 * The devices this transaction wrote, by their row version's xmin: when another writer got to some
 * ids first, only the staged rows whose device carries this mark were written (no RETURNING of a
 * million ids, no marking of the staging table; when every row was written, no join at all).
 */
const MINE = "d.xmin = pg_current_xact_id()::xid";

/** The written devices of an action get exactly the tags their rows name (rows without a tags cell are left out). */
async function writeTags(staging: ImportStaging, action: "create" | "update", all: boolean): Promise<void> {
  const mine = all ? "" : `AND ${MINE}`;
  await staging.query(
    `DELETE FROM device_tag_links l USING import_valid v, devices d
      WHERE v.action = $1 AND v.tags IS NOT NULL AND d.device_id = v.device_id AND l.device_id = d.id ${mine}`,
    [action],
  );
  await staging.query(
    `INSERT INTO device_tag_links (device_id, tag_id)
    SELECT d.id, g.id FROM import_valid v CROSS JOIN LATERAL jsonb_array_elements_text(v.tags) AS p(tag)
    JOIN devices d ON d.device_id = v.device_id
    JOIN device_tags g ON lower(g.name) = lower(p.tag)
    WHERE v.action = $1 AND v.tags IS NOT NULL ${mine}
    ON CONFLICT DO NOTHING`,
    [action],
  );
}

/** The "imported" history entry of every written device of an action, as one INSERT … SELECT. */
async function insertHistory(staging: ImportStaging, action: "create" | "update", all: boolean, who: ReturnType<typeof auditActor>, now: Date, batchId: number) {
  await staging.query(
    `INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, before, after, created_at, actor_role, via, credential, ip)
    SELECT 'device', v.device_id, 'imported', $2::int, $3, v.before, jsonb_build_object('batchId', $4::int) || v.after, $5::timestamptz, $6::text, $7::text, $8::text, $9::text
    FROM import_valid v ${all ? "" : `JOIN devices d ON d.device_id = v.device_id AND ${MINE}`} WHERE v.action = $1 ORDER BY v.row_number`,
    [action, who.actorId, who.actorLabel, batchId, now, who.actorRole, who.via, who.credential, who.ip],
  );
}

/** The staged rows of an action the database refused at write time, in file order (as many as are reported). */
async function unwritten(staging: ImportStaging, action: "create" | "update", message: (deviceId: string) => string): Promise<ImportError[]> {
  const { rows } = await staging.query<{ row_number: number; device_id: string }>(
    `SELECT v.row_number, v.device_id FROM import_valid v WHERE v.action = $1
      AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device_id = v.device_id AND ${MINE}) ORDER BY v.row_number LIMIT $2`,
    [action, MAX_REPORTED_ERRORS],
  );
  return rows.map((row) => ({ row: row.row_number, column: "device_id", message: message(row.device_id) }));
}

/** Rows the database refused at write time; in "import nothing" mode they roll the import back. */
class RowConflicts extends Error {
  constructor(
    readonly errors: ImportError[],
    readonly count: number,
  ) {
    super("Rows changed meanwhile");
  }
}

/** A preview or import with its staging tables, on their connection, closed whatever happens. */
async function withStaging<T>(run: (staging: ImportStaging) => Promise<T>): Promise<T> {
  const staging = await ImportStaging.open();
  try {
    return await run(staging);
  } finally {
    await staging.close();
  }
}

/**
 * Imports the file: every valid row in one transaction (devices and one "imported" history entry
 * each), or nothing when a row is wrong and skipErrors is off. The batch is recorded either way.
 */
export async function runImport(db: Db, actor: Actor, source: CsvSource, options: ImportOptions): Promise<ImportResult> {
  requireImport(actor);
  return withStaging((staging) => writeImport(db, actor, source, options, staging));
}

async function writeImport(db: Db, actor: Actor, source: CsvSource, options: ImportOptions, staging: ImportStaging): Promise<ImportResult> {
  const analysis = await attemptAnalysis(db, actor, source, options, true, staging);
  const refused = analysis.rejected > 0 && !options.skipErrors;
  // The file could be read and mapped: the next file with these headers maps itself the same way.
  const { headers, mapping, format, encoding, separator, sheet, headerRow, dateFormat, decimal } = analysis.reading;
  await rememberMapping(db, actor, headers, mapping, { format, encoding, separator, sheet, headerRow, dateFormat, decimal });
  const data = {
    fileName: options.fileName.slice(0, 255),
    mode: options.mode,
    skipErrors: options.skipErrors,
    defaultFarmId: analysis.defaultFarmId,
    state: refused ? ("failed" as const) : ("importing" as const),
    totalRows: analysis.totalRows,
    createdCount: 0,
    updatedCount: 0,
    skippedCount: analysis.toSkip,
    errorCount: analysis.errorCount,
    errorReport: analysis.errors,
    warningCount: analysis.warningCount,
    warningReport: analysis.warnings,
    readOptions: readOptionsJson(analysis.reading),
    failureReason: refused ? `${analysis.rejected} row${analysis.rejected === 1 ? "" : "s"} rejected and “import nothing” chosen` : null,
    createdById: actor.kind === "user" ? actor.id : null,
    finishedAt: refused ? new Date() : null,
  };
  const reuse = options.batchId ? await claimDryRun(db, actor, options.batchId) : null;
  const batch = reuse ? await db.importBatch.update({ where: { id: reuse }, data: { ...data, createdAt: new Date() }, select: { id: true } }) : await db.importBatch.create({ data, select: { id: true } });
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
    warnings: analysis.warnings,
    warningCount: analysis.warningCount,
    reading: analysis.reading,
  });
  if (refused) return result("failed", 0, 0);

  const who = auditActor(actor);
  const now = new Date();
  // Rows another writer got to first (an id registered, a device retired since the check) are
  // that row's error, like any found while checking: skipped, or the whole import undone.
  const conflicts: ImportError[] = [];
  let conflictCount = 0;
  const collect = async (action: "create" | "update", expected: number, written: number, message: (deviceId: string) => string) => {
    if (written === expected) return;
    conflicts.push(...(await unwritten(staging, action, message)));
    conflictCount += expected - written;
    if (!options.skipErrors) throw new RowConflicts(conflicts, conflictCount);
  };
  let created = 0;
  let updated = 0;
  try {
    await staging.query("BEGIN");
    try {
      await createMissingTags(staging, actor, analysis.newTags, now);
      if (analysis.toCreate) {
        created = await insertDevices(staging, { now, provisionedById: actor.kind === "user" ? actor.id : null });
        await collect("create", analysis.toCreate, created, (deviceId) => `${deviceId} was registered meanwhile (by another import or person); it was not imported`);
        await writeTags(staging, "create", created === analysis.toCreate);
        await insertHistory(staging, "create", created === analysis.toCreate, who, now, batch.id);
      }
      if (analysis.toUpdate) {
        updated = await updateDevices(staging, now);
        await collect("update", analysis.toUpdate, updated, (deviceId) => `${deviceId} was retired meanwhile; it was not changed`);
        await writeTags(staging, "update", updated === analysis.toUpdate);
        await insertHistory(staging, "update", updated === analysis.toUpdate, who, now, batch.id);
      }
      for (const error of conflicts) report(analysis, error);
      analysis.errorCount += conflictCount - conflicts.length;
      analysis.rejected += conflictCount;
      await staging.query(
        `UPDATE import_batches SET state = 'done', created_count = $2, updated_count = $3, error_count = $4, error_report = $5::jsonb, finished_at = $6::timestamptz WHERE id = $1`,
        [batch.id, created, updated, analysis.errorCount, JSON.stringify(analysis.errors), new Date()],
      );
      await staging.query(
        `INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, actor_role, ip, via, credential, after)
        VALUES ('import_batch', $1, 'imported', $2::int, $3, $4, $5, $6, $7, $8::jsonb)`,
        [String(batch.id), who.actorId, who.actorLabel, who.actorRole, who.ip, who.via, who.credential, JSON.stringify({ fileName: options.fileName, mode: options.mode, created, updated, rejected: analysis.rejected })],
      );
      await staging.query("COMMIT");
    } catch (error) {
      await staging.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } catch (error) {
    if (error instanceof RowConflicts) {
      for (const rowError of error.errors) report(analysis, rowError);
      analysis.errorCount += error.count - error.errors.length;
      analysis.rejected += error.count;
      await db.importBatch.update({
        where: { id: batch.id },
        data: { state: "failed", finishedAt: new Date(), errorCount: analysis.errorCount, errorReport: analysis.errors, failureReason: "Rows changed meanwhile and “import nothing” was chosen" },
      });
      return result("failed", 0, 0);
    }
    const clash = (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") || (error as { code?: unknown }).code === "23505";
    const message = clash ? "A device id of the file was registered by someone else meanwhile; nothing was imported." : "The import failed; nothing was imported.";
    await db.importBatch.update({
      where: { id: batch.id },
      data: { state: "failed", finishedAt: new Date(), errorCount: analysis.errorCount + 1, errorReport: [...analysis.errors, { row: 0, column: "*", message }], failureReason: message },
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
  state: "previewed" | "importing" | "done" | "failed" | "refused" | "dry_run";
  totalRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  errorCount: number;
  warningCount: number;
  failureReason: string | null;
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
    omit: { errorReport: true, defaultFarmId: true, warningReport: true, readOptions: true },
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

