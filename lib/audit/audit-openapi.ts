/**
 * The OpenAPI operations of the audit log (lib/api/openapi.ts merges them into the document): the
 * events, newest first with a keyset cursor, and the same as CSV. The query comes from the schema
 * the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, errors, ok, operation, queryParameters, ref, type OpenApiArea } from "../api/openapi-helpers";
import { AUDIT_EXPORT_COLUMNS } from "./audit-export";
import { AUDIT_API_MAX_LIMIT, auditFilterSchema } from "./audit-query";

const TAG = "Audit log";

const auditEvent = z.object({
  id: z.string().describe("The event's id (a 64-bit number, as text)"),
  createdAt: z.string().describe("ISO 8601, UTC"),
  entityType: z.string().describe("device, group, alert, tag, firmware_version, update_job, command_batch, maintenance, maintenance_plan, warranty_claim, farm, user, api_key, import_batch"),
  entityId: z.string().describe("The record's id: a device's device id, else the row id"),
  entityName: z.string().nullable().describe("For a person (entityType user): their name and e-mail; null otherwise, or once they are deleted"),
  action: z.string(),
  actorId: z.number().int().nullable().describe("The person's user id; null for an API key, the worker or the system"),
  actorLabel: z.string().describe("e-mail, api-key:<prefix>, worker or system"),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable().describe("The role at the time of the event"),
  ip: z.string().nullable().describe("The client's address (through trusted proxies)"),
  via: z.string().nullable().describe("session, api_key, worker or system"),
  credential: z.string().nullable().describe("The API key's prefix or the first 8 characters of the session id"),
  farmId: z.number().int().nullable().describe("The farm of the record; null for what every farm shares (firmware, update jobs)"),
  farmName: z.string().nullable(),
  before: z.unknown().describe("The changed fields before, as recorded"),
  after: z.unknown().describe("The changed fields after, as recorded"),
});
const auditPage = z.object({
  data: z.array(auditEvent),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next (older) page; null on the last page"),
});

const HELP = {
  person: "A person's user id, `worker`, `system` or `key:<prefix>` (an API key)",
  action: "An action, e.g. updated, command_sent, acknowledge",
  entityType: "The kind of record, e.g. device",
  entityId: "The record's id (with entityType): a device id such as MM001, else a number",
  farm: "A farm's id",
  from: "From this day (YYYY-MM-DD, in the caller's farm clock) or instant (ISO 8601)",
  to: "Up to and including this day, or up to this instant",
};
const SCOPE = "Admins read every event; a farm-bound caller (a manager, a farm's key) only the events of its farm.";

export const auditOpenApi: OpenApiArea = {
  tags: [{ name: TAG, description: "Who changed what, when, from where and how: every event the product records, kept AUDIT_RETENTION_DAYS (730 by default)." }],
  paths: {
    "/audit-events": {
      get: operation("audit.browse", {
        operationId: "listAuditEvents",
        summary: "Audit events, newest first",
        description: `Keyset pages: pass the previous page's \`nextCursor\` as \`cursor\`. A filter that is not understood is a 400. ${SCOPE}`,
        tags: [TAG],
        parameters: [
          ...queryParameters(auditFilterSchema, HELP),
          { name: "cursor", in: "query", required: false, description: "The `nextCursor` of the previous page", schema: { type: "string" } },
          { name: "limit", in: "query", required: false, description: `Events per page, 1–${AUDIT_API_MAX_LIMIT} (default 50)`, schema: { type: "integer", minimum: 1, maximum: AUDIT_API_MAX_LIMIT } },
        ],
        responses: { "200": ok("A page of events", ref("AuditEventPage")), ...errors(400, ...CALLER) },
      }),
    },
    "/audit-events/export": {
      get: operation("audit.browse", {
        operationId: "exportAuditEvents",
        summary: "Audit events as CSV",
        description: `Every event matching the filters, newest first, streamed. Columns: ${AUDIT_EXPORT_COLUMNS.join(", ")}; time_local is in the caller's farm clock. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(auditFilterSchema, HELP),
        responses: { "200": { description: "The CSV file", content: { "text/csv": { schema: { type: "string" } } } }, ...errors(400, ...CALLER) },
      }),
    },
  },
  schemas: components({ AuditEventPage: auditPage }, "output"),
};
