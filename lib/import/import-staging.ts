/**
 * The staging side of the device import (issue 20): the file's rows are streamed with COPY into a
 * staging table, checked against each other and the registry in SQL (an id twice in the file, the
 * device it names, a serial or MAC in the file twice or already on another device), read back page
 * by page for the row rules only TypeScript has (lib/import/row-validation.ts), and the good rows
 * go into a second staging table from which one INSERT … SELECT and one UPDATE … FROM write the
 * registry. Nothing grows with the file in the process: the rows live in PostgreSQL.
 *
 * The staging tables are TEMP tables on a connection of the import's own (not the Prisma pool's):
 * a temp table lives in one session, so they need the one connection; in exchange they cost no WAL,
 * are invisible to every other import running at the same moment (no batch id in every query, no
 * cleanup of another's rows), and vanish with the session when the import ends or its process
 * dies: an UNLOGGED table keyed by batch id would need a migration, a sweeper for the rows of a
 * crashed import, and would bloat with deleted rows. The write runs in a transaction on the same
 * connection, so all-or-nothing holds as before.
 */
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { resolveDatabaseUrl } from "../config/database-url";
import { IMPORT_COLUMNS, type ImportColumn } from "./import-columns";
import type { Row } from "./row-preparation";

/** One row of the file as it goes into the staging table: its cells, and the keys the SQL checks compare. */
export type StagedRow = {
  rowNumber: number;
  fieldCountError?: string;
  row: Row;
  /** The keys of lib/import/row-preparation.ts stagingKeys. */
  keys: { rowId: string | null; idKey: string | null; serialText: string | null; serialKey: string | null; macKey: string | null };
};

/** A staged row read back with what SQL found out about it. */
export type CheckedRow = {
  rowNumber: number;
  fieldCountError: string | null;
  row: Row;
  /** The row on which this row's device id first appears in the file, when that is an earlier row. */
  idFirst: number | null;
  serialFirst: number | null;
  macFirst: number | null;
  /** devices.id of the device the row's id names. */
  registeredId: number | null;
  /** Another device holding the row's serial / MAC. */
  serialTwin: string | null;
  macTwin: string | null;
};

/** A valid row to write: its fields as one JSON object (lib/import/device-import.ts rowJson). */
export type KeptRow = {
  rowNumber: number;
  action: "create" | "update";
  deviceId: string;
  deviceType: string;
  fields: string;
  /** The tag names, or null when the row leaves the tags alone. */
  tags: string[] | null;
  /** The history entry's before and after (the batch id is added when written). */
  before: string | null;
  after: string;
};

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "" };
const SPECIAL = /[\\\n\r\t\0]/;
const SPECIALS = /[\\\n\r\t\0]/g;

/**
 * A value in COPY's text format: backslash, newline, return and tab escaped, \N for null. A NUL
 * cannot be stored in PostgreSQL text at all and is dropped.
 */
export function copyValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  return SPECIAL.test(value) ? value.replace(SPECIALS, (char) => ESCAPES[char]!) : value;
}

/** Lines are sent to COPY in pieces of about this many characters. */
const PIECE = 256 * 1024;

async function* copyLines<T>(rows: AsyncIterable<T> | Iterable<T>, line: (row: T) => string): AsyncGenerator<string> {
  let piece = "";
  for await (const row of rows) {
    piece += line(row);
    if (piece.length >= PIECE) {
      yield piece;
      piece = "";
    }
  }
  if (piece) yield piece;
}

const cellColumn = (column: ImportColumn) => `c_${column}`;

export class ImportStaging {
  private constructor(private readonly client: pg.Client) {}

  /** A connection of its own with the two staging tables. */
  static async open(): Promise<ImportStaging> {
    const client = new pg.Client({ connectionString: resolveDatabaseUrl() });
    client.on("error", (error) => console.warn(`import staging connection: ${error.message}`));
    await client.connect();
    try {
      // Before the first temp table: the staged rows stay in memory buffers as long as they fit;
      // the hashes of the checks (a million ids) do not spill to disk at the default 4 MB.
      await client.query("SET temp_buffers = '64MB'; SET work_mem = '64MB'");
      await client.query(`
        CREATE TEMP TABLE import_rows (row_number int NOT NULL, field_count_error text, row_id text, id_key text, serial_text text, serial_key text, mac_key text,
          ${IMPORT_COLUMNS.map((column) => `${cellColumn(column)} text`).join(", ")});
        CREATE TEMP TABLE import_valid (row_number int NOT NULL, action text NOT NULL, device_id text NOT NULL, device_type text NOT NULL, f jsonb NOT NULL,
          tags jsonb, before jsonb, after jsonb NOT NULL)`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return new ImportStaging(client);
  }

  /** Streams the rows into import_rows with COPY (backpressure from the connection); the count staged. */
  async load(rows: AsyncIterable<StagedRow>): Promise<number> {
    let count = 0;
    const columns = ["row_number", "field_count_error", "row_id", "id_key", "serial_text", "serial_key", "mac_key", ...IMPORT_COLUMNS.map(cellColumn)];
    const line = ({ rowNumber, fieldCountError, row, keys }: StagedRow) => {
      count++;
      const cells = IMPORT_COLUMNS.map((column) => copyValue(row[column]));
      return `${rowNumber}\t${copyValue(fieldCountError)}\t${copyValue(keys.rowId)}\t${copyValue(keys.idKey)}\t${copyValue(keys.serialText)}\t${copyValue(keys.serialKey)}\t${copyValue(keys.macKey)}\t${cells.join("\t")}\n`;
    };
    await pipeline(Readable.from(copyLines(rows, line)), this.client.query(copyFrom(`COPY import_rows (${columns.join(", ")}) FROM STDIN`)));
    return count;
  }

  /**
   * The set-based checks, into import_checked (indexed by row for reading back): the first row of
   * each device id, serial and MAC (a grouped hash, not a sort of the file per key), the device
   * each id names, and another device holding the serial or MAC. The registry joins are left to the
   * planner on freshly analysed staging statistics: it hashes the registry for a large file and
   * probes the btrees for a small one.
   */
  async check(): Promise<void> {
    await this.client.query("ANALYZE import_rows");
    await this.client.query(`
      CREATE TEMP TABLE import_checked AS
      SELECT s.*,
        NULLIF(fi.first_row, s.row_number) AS id_first,
        NULLIF(fs.first_row, s.row_number) AS serial_first,
        NULLIF(fm.first_row, s.row_number) AS mac_first,
        d.id AS registered_id,
        ts.device_id AS serial_twin,
        tm.device_id AS mac_twin
      FROM import_rows s
      LEFT JOIN (SELECT id_key, min(row_number) AS first_row FROM import_rows WHERE id_key IS NOT NULL GROUP BY id_key) fi ON fi.id_key = s.id_key
      LEFT JOIN (SELECT serial_key, min(row_number) AS first_row FROM import_rows WHERE serial_key IS NOT NULL GROUP BY serial_key) fs ON fs.serial_key = s.serial_key
      LEFT JOIN (SELECT mac_key, min(row_number) AS first_row FROM import_rows WHERE mac_key IS NOT NULL GROUP BY mac_key) fm ON fm.mac_key = s.mac_key
      LEFT JOIN devices d ON d.device_id = s.id_key
      LEFT JOIN (SELECT s2.row_number, min(t.device_id) AS device_id FROM import_rows s2 JOIN devices t ON t.serial_number = s2.serial_text
                  WHERE t.device_id IS DISTINCT FROM s2.row_id GROUP BY s2.row_number) ts ON ts.row_number = s.row_number
      LEFT JOIN (SELECT s2.row_number, min(t.device_id) AS device_id FROM import_rows s2 JOIN devices t ON t.mac_address = s2.mac_key
                  WHERE t.device_id IS DISTINCT FROM s2.row_id GROUP BY s2.row_number) tm ON tm.row_number = s.row_number`);
    await this.client.query("CREATE INDEX ON import_checked (row_number)");
  }

  /** The checked rows in file order, `size` at a time (keyset on the row number). */
  async *pages(size: number): AsyncGenerator<CheckedRow[]> {
    let after = -1;
    for (;;) {
      const { rows } = await this.client.query<Record<string, string | number | null>>("SELECT * FROM import_checked WHERE row_number > $1 ORDER BY row_number LIMIT $2", [after, size]);
      if (!rows.length) return;
      yield rows.map((record) => {
        const row: Row = {};
        for (const column of IMPORT_COLUMNS) {
          const value = record[cellColumn(column)];
          if (value !== null && value !== undefined) row[column] = value as string;
        }
        return {
          rowNumber: record.row_number as number,
          fieldCountError: record.field_count_error as string | null,
          row,
          idFirst: record.id_first as number | null,
          serialFirst: record.serial_first as number | null,
          macFirst: record.mac_first as number | null,
          registeredId: record.registered_id as number | null,
          serialTwin: record.serial_twin as string | null,
          macTwin: record.mac_twin as string | null,
        };
      });
      after = rows[rows.length - 1]!.row_number as number;
    }
  }

  /** Valid rows into import_valid, with COPY. */
  async keep(rows: KeptRow[]): Promise<void> {
    if (!rows.length) return;
    const line = (row: KeptRow) =>
      `${row.rowNumber}\t${row.action}\t${copyValue(row.deviceId)}\t${copyValue(row.deviceType)}\t${copyValue(row.fields)}\t${copyValue(row.tags && JSON.stringify(row.tags))}\t${copyValue(row.before)}\t${copyValue(row.after)}\n`;
    await pipeline(Readable.from(copyLines(rows, line)), this.client.query(copyFrom("COPY import_valid (row_number, action, device_id, device_type, f, tags, before, after) FROM STDIN")));
  }

  /** A statement on the staging connection (the write, in its transaction). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) {
    return this.client.query<R>(text, values);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
