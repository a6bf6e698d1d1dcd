/**
 * The audit log as a CSV file, for the filters the reader chose: streamed in keyset batches
 * (lib/audit/audit-query.ts) as the download pulls them, so five million events never sit in the
 * server's memory, and a download closed halfway stops the reading.
 */
import { stringify } from "csv-stringify/sync";
import { spreadsheetSafe } from "../devices/device-export";
import type { Db } from "../db";
import { formatDateTime, type Clock } from "../i18n/format";
import { changesText } from "./audit-diff";
import { streamAuditEvents, type AuditFilters, type AuditRow, type AuditScope } from "./audit-query";

export const AUDIT_EXPORT_COLUMNS = [
  "id",
  "time_utc",
  "time_local",
  "farm",
  "actor",
  "actor_name",
  "role",
  "via",
  "credential",
  "ip",
  "action",
  "entity_type",
  "entity_id",
  "changes",
  "before",
  "after",
  "entity_name",
] as const;

function toRecord(row: AuditRow, clock: Clock): (string | number | null)[] {
  return [
    row.id,
    row.createdAt.toISOString(),
    formatDateTime(row.createdAt, clock, { seconds: true, zone: true }),
    row.farmName,
    row.actorLabel,
    row.actorName,
    row.actorRole,
    row.via,
    row.credential,
    row.ip,
    row.action,
    row.entityType,
    row.entityId,
    changesText(row.before, row.after),
    row.before === null || row.before === undefined ? null : JSON.stringify(row.before),
    row.after === null || row.after === undefined ? null : JSON.stringify(row.after),
    row.entityName,
  ].map(spreadsheetSafe);
}

export function exportAuditCsv(db: Pick<Db, "$queryRaw">, scope: AuditScope, filters: AuditFilters, clock: Clock): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = streamAuditEvents(db, scope, filters);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          // A BOM so that spreadsheet programs read names' accents as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${stringify([[...AUDIT_EXPORT_COLUMNS]])}`));
          return;
        }
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(stringify(next.value.map((row) => toRecord(row, clock)))));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
