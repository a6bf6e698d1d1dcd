/**
 * The OpenAPI operations of the device import (lib/api/openapi.ts merges them into the document):
 * the import itself (dry run, reading options, mapping) and the options/mapping step's inspection.
 * Parameters come from the schemas the routes parse with (lib/import/import-schemas.ts).
 */
import { z } from "zod";
import { CALLER, components, errors, ok, operation, queryParameters, ref, type OpenApiArea } from "../api/openapi-helpers";
import { IGNORE } from "./column-mapping";
import { FILE_FORMATS } from "./file-reader";
import { IMPORT_COLUMNS } from "./import-columns";
import { importRequestSchema } from "./import-schemas";
import { WARNING_CODES } from "./row-preparation";
import { ENCODINGS } from "./text-encoding";
import { DATE_FORMATS, DECIMAL_SEPARATORS } from "./value-formats";

const target = z.enum([...IMPORT_COLUMNS, IGNORE]);
const importError = z.object({ row: z.number().int().describe("The file's line (text) or row (sheet) where the row starts; 0 for the file as a whole"), column: z.string(), message: z.string() });
const importWarning = z.object({
  row: z.number().int(),
  column: z.string().describe("The file's column (its header), or the field"),
  code: z.enum(WARNING_CODES),
  message: z.string(),
});
const dates = z.object({ format: z.enum(["iso", "dmy", "mdy", "excel", "mixed", "undecided"]), evidence: z.string().nullable().describe("A value that decided it, e.g. 25/12/2026") });
const reading = z.object({
  format: z.enum(FILE_FORMATS),
  encoding: z.enum(ENCODINGS).nullable().describe("Text files; may turn from utf-8 to windows-1252 past an ASCII start"),
  separator: z.string().nullable(),
  sheet: z.string().nullable(),
  headerRow: z.number().int(),
  dateFormat: z.enum(DATE_FORMATS),
  decimal: z.enum(DECIMAL_SEPARATORS),
  detectedDates: z.record(z.string(), dates).optional(),
  detectedDecimal: z.enum([".", ","]).optional(),
  headers: z.array(z.string()),
  mapping: z.array(target).describe("One field (or ignore) per column, in file order"),
  mappingSource: z.enum(["sent", "remembered", "guessed"]).optional(),
});
const result = z.object({
  dryRun: z.boolean(),
  batchId: z.number().int().describe("The batch recording this attempt (a dry run's too)"),
  state: z.enum(["done", "failed"]).optional().describe("Import only"),
  totalRows: z.number().int(),
  toCreate: z.number().int().optional(),
  toUpdate: z.number().int().optional(),
  toSkip: z.number().int().optional(),
  created: z.number().int().optional(),
  updated: z.number().int().optional(),
  skipped: z.number().int().optional(),
  rejected: z.number().int(),
  columns: z.array(z.string()).optional(),
  unknownColumns: z.array(z.string()).optional().describe("Columns mapped to ignore"),
  readOnlyColumns: z.array(z.object({ column: z.string(), reason: z.string() })).optional().describe("Read-only columns of the devices export (health, connection, battery…), ignored on purpose"),
  newTags: z.array(z.string()).optional().describe("Tags the file names that do not exist; created when create_tags is true"),
  firstRows: z.array(z.object({ row: z.number().int(), action: z.enum(["create", "update", "unchanged", "rejected"]), values: z.record(z.string(), z.string()) })).optional(),
  errors: z.array(importError).describe("At most 10,000"),
  errorCount: z.number().int(),
  warnings: z.array(importWarning).describe("At most 10,000; a row with warnings is still imported"),
  warningCount: z.number().int(),
  reading,
});
const inspection = z.object({
  fileName: z.string(),
  format: z.enum(FILE_FORMATS),
  reading: reading.pick({ format: true, encoding: true, separator: true, sheet: true, headerRow: true }),
  guessed: z.object({ encoding: z.string().nullable(), separator: z.string().nullable(), headerRow: z.number().int() }),
  sheets: z.array(z.string()),
  firstLines: z.array(z.string()).describe("The decoded first lines as they are (sheets: the row number and cells, tab-separated)"),
  headers: z.array(z.string()),
  columnKeys: z.array(z.string()).describe("How each column is named in a mapping sent by name"),
  samples: z.array(z.array(z.string())),
  mapping: z.array(target),
  mappingSource: z.enum(["sent", "remembered", "guessed"]),
  mappingIssues: z.array(z.object({ field: z.string().nullable(), columns: z.array(z.number().int()), message: z.string() })),
  dateFormat: z.enum(DATE_FORMATS),
  decimal: z.enum(DECIMAL_SEPARATORS),
  columnDates: z.array(dates),
  columnDecimal: z.array(z.enum([".", ","])),
  rowsRead: z.number().int(),
  notes: z.array(importWarning),
  problem: z.string().nullable(),
});

const READING =
  "Formats: CSV/TSV/text (`,` `;` tab `|`, detected), .xlsx (cell values; a formula's stored result, never evaluated; merged cells reported) and .ods; an old .xls or a password-protected workbook is refused with a 400 saying so. " +
  "Encodings: UTF-8 with or without BOM, UTF-16 LE/BE with BOM, Windows-1252, ISO-8859-1 (detected; `encoding` overrides). `header_row` for a file with title rows; `sheet` for a workbook's other sheets. " +
  "Dates: ISO, day-first, month-first or Excel serials, detected from the whole column (`date_format` overrides); a value the column cannot settle (03/04/2026 in a column of such values) is that row's error. `decimal` likewise for latitude/longitude. " +
  "`mapping` (JSON) says which field each column fills: a list in file order or an object of column → field, `ignore` for none; without it the mapping remembered for the same headers is used, else one guessed from the header names. " +
  "A mapping for other headers, a required field (device_id, name, device_type) without a column, or two columns on one field is a 400.";

const params = queryParameters(importRequestSchema, {
  mode: "create: new devices only; update: existing only; create_update: both",
  skip_errors: "Import the valid rows and report the others",
  dry_run: "Answer the preview; write no device (the attempt is recorded as a dry-run batch)",
  default_farm: "Farm code for rows without farm_code",
  fileName: "The file name kept with the batch (raw body)",
  batch_id: "The dry run this import follows: its batch becomes the import's",
  encoding: "auto detects it",
  separator: "auto, `,` (comma), `;` (semicolon), tab, `|` (pipe)",
  sheet: "A workbook's sheet by name; the first visible one when absent",
  header_row: "The line (text) or row (sheet) of the header; auto: the first row naming two known fields",
  date_format: "iso, dmy (day first), mdy (month first), excel (serial numbers); auto detects it per column",
  decimal: "The decimal separator of latitude/longitude; the other sign is taken as a thousands separator",
  mapping: "JSON: [\"device_id\",\"name\",\"ignore\",…] or {\"Serial no.\":\"serial_number\",…}",
});
const inspectParams = params.filter((parameter) => !["dry_run", "batch_id", "default_farm", "skip_errors"].includes(parameter.name));

const body = {
  required: true,
  content: {
    "multipart/form-data": { schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" }, ...Object.fromEntries(params.map((parameter) => [parameter.name, parameter.schema])) } } },
    "text/csv": { schema: { type: "string" } },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } },
    "application/vnd.oasis.opendocument.spreadsheet": { schema: { type: "string", format: "binary" } },
  },
};

export const importOpenApi: OpenApiArea = {
  tags: [],
  paths: {
    "/iot/devices/import": {
      post: operation("devices.import", {
        operationId: "importDevices",
        summary: "Import devices from a CSV or spreadsheet",
        description:
          "The file as multipart/form-data (a `file` field; the parameters may also be form fields) or as the raw body (the file name in `X-File-Name` or `?fileName=`), at most 256 MB and 1,000,000 rows (a body declaring more is refused unread). " +
          READING +
          " With `dry_run=true` the answer is the preview (errors and, separately, warnings: scientific-notation serials, duplicate serials or MACs in the file or the registry, trimmed values, ignored columns, merged cells) and no device is written. " +
          "Otherwise every valid row is written in one transaction; when a row is wrong and `skip_errors` is false, nothing is written (a device id registered meanwhile by another import is such a row). " +
          "Every attempt is kept as an import batch: refused (the file could not be read or mapped), dry_run, failed or done; the mapping of an import that ran is remembered for the next file with the same headers.",
        tags: ["Devices"],
        parameters: params,
        requestBody: body,
        responses: { "200": ok("The preview (dry_run) or what was imported", ref("ImportResult")), ...errors(400, ...CALLER, 409) },
      }),
    },
    "/iot/devices/import/inspect": {
      post: operation("devices.import", {
        operationId: "inspectDeviceImport",
        summary: "Read a file for the options and mapping steps",
        description:
          "How the file reads with the options given (each one detected when left out, the guesses beside): format, encoding, separator, sheets, header row, the decoded first lines (a wrong encoding shows), the header, a few values per column, " +
          "what the first 5,000 rows look like as dates and numbers, and the mapping to start from (remembered for these headers, else guessed) with what is wrong with it. A fault past the header (an unclosed quote) is answered as `problem`. " +
          READING +
          " Writes nothing; a file that cannot be read at all is a 400 and is recorded as a refused batch.",
        tags: ["Devices"],
        parameters: inspectParams,
        requestBody: body,
        responses: { "200": ok("The inspection", ref("ImportInspection")), ...errors(400, ...CALLER) },
      }),
    },
  },
  schemas: components({ ImportResult: result, ImportInspection: inspection }, "output"),
};

