/**
 * The OpenAPI operations of maintenance (lib/api/openapi.ts merges them into the document): the
 * records (occurrences and one-off work) with their steps and attachments, the calendar, and the
 * plans. Request bodies and queries come from the schemas the routes parse with
 * (maintenance-schemas.ts); the answers are the rows of maintenance-types.ts.
 */
import { z } from "zod";
import { CALLER, components, errors, failure, idParameter, input, json, ok, operation, queryParameters, ref, timestamp, type OpenApiArea, type OpenApiParameter } from "../api/openapi-helpers";
import { DEVICE_TYPES } from "../devices/device-id";
import { ATTACHMENT_CONTENT_TYPES, MAINTENANCE_SCOPES, MAINTENANCE_STATUSES, MAINTENANCE_TYPES, RECURRENCE_UNITS } from "./maintenance-fields";
import {
  calendarQuerySchema,
  cancelWorkSchema,
  completeWorkSchema,
  maintenanceIdSchema,
  maintenanceListQuerySchema,
  planInputSchema,
  planListQuerySchema,
  planUpdateSchema,
  rescheduleWorkSchema,
  startWorkSchema,
  workInputSchema,
} from "./maintenance-schemas";

const TAG = "Maintenance";
const PLANS = "Maintenance plans";

const day = z.string().describe("YYYY-MM-DD");
const money = z.string().describe("Decimal, e.g. “65.30”");

const row = z.object({
  id: z.number().int(),
  deviceId: z.string().describe("The device, e.g. MM001"),
  deviceName: z.string().nullable(),
  deviceType: z.enum(DEVICE_TYPES),
  farmId: z.number().int(),
  farmName: z.string(),
  planId: z.number().int().nullable().describe("null: one-off work"),
  planName: z.string().nullable(),
  maintenanceType: z.enum(MAINTENANCE_TYPES),
  status: z.enum(MAINTENANCE_STATUSES),
  scheduledDate: day,
  assigneeId: z.number().int().nullable(),
  assigneeName: z.string().nullable(),
  description: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  cost: money.nullable().describe("Parts plus labour, set when done; null when no price was recorded"),
  performedAt: timestamp.nullable(),
  useMaintenanceMode: z.boolean(),
});

const stamp = z.object({ id: z.number().int().nullable(), name: z.string().nullable(), at: timestamp.nullable() });
const attachment = z.object({ id: z.number().int(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int(), uploadedByName: z.string().nullable(), createdAt: timestamp });

const detail = row.extend({
  deviceRowId: z.number().int(),
  deviceState: z.string(),
  deviceInMaintenance: z.boolean().describe("The device is in maintenance mode now"),
  modeSetByWork: z.boolean().describe("Starting this work turned maintenance mode on; finishing or cancelling it turns it off"),
  notes: z.string().nullable(),
  parts: z.array(z.object({ name: z.string(), partNumber: z.string().nullable().optional(), quantity: z.number().int(), unitCost: z.number().nullable().optional() })),
  laborCost: money.nullable(),
  started: stamp,
  performed: stamp,
  cancelled: stamp.extend({ reason: z.string().nullable() }),
  createdAt: timestamp,
  attachments: z.array(attachment),
  calibration: z
    .object({ id: z.number().int(), passed: z.boolean(), performedAt: timestamp, nextDueOn: day.nullable(), beforeValue: z.string().nullable(), afterValue: z.string().nullable(), beforeOffset: z.string().nullable(), afterOffset: z.string().nullable(), unit: z.string().nullable(), reference: z.string().nullable() })
    .nullable()
    .describe("The calibration recorded with this work"),
});

const list = z.object({
  data: z.array(row),
  total: z.number().int().describe("Matching records, counted up to 10,000"),
  totalCapped: z.boolean().describe("More than `total` match"),
  page: z.number().int(),
  pageSize: z.number().int(),
  hasNext: z.boolean(),
});

const calendar = z.object({
  from: day,
  to: day,
  days: z.array(z.object({ date: day, total: z.number().int(), overdue: z.number().int(), done: z.number().int(), entries: z.array(row).describe("The first 20 of the day") })),
});

const plan = z.object({
  id: z.number().int(),
  farmId: z.number().int(),
  farmName: z.string(),
  name: z.string(),
  maintenanceType: z.enum(MAINTENANCE_TYPES),
  scope: z.enum(MAINTENANCE_SCOPES),
  deviceId: z.string().nullable(),
  groupId: z.number().int().nullable(),
  groupName: z.string().nullable(),
  deviceType: z.enum(DEVICE_TYPES).nullable(),
  everyCount: z.number().int().nullable(),
  everyUnit: z.enum(RECURRENCE_UNITS).nullable(),
  startsOn: day,
  endsOn: day.nullable(),
  nextOn: day.nullable().describe("The first date the worker has not made occurrences for yet"),
  assigneeId: z.number().int().nullable(),
  assigneeName: z.string().nullable(),
  description: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  useMaintenanceMode: z.boolean(),
  active: z.boolean(),
  rhythm: z.string().describe("“every 3 months”, “once”"),
  createdAt: timestamp,
});
const planDetail = plan.extend({ upcoming: z.array(row).describe("Open occurrences, soonest first (50 at most)"), openCount: z.number().int(), doneCount: z.number().int() });
const planList = z.object({ data: z.array(plan), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), hasNext: z.boolean() });

const recordId = idParameter("maintenance record", maintenanceIdSchema);
const planId = idParameter("plan", maintenanceIdSchema);
const attachmentId: OpenApiParameter = { name: "attachmentId", in: "path", required: true, description: "The attachment's id", schema: input(maintenanceIdSchema) };

const filterHelp = {
  farm: "A farm's id (managers and technicians: their own farm only)",
  type: "One or more maintenance types, comma-separated",
  status: "One or more statuses, comma-separated",
  assignee: "“me”, “none” (unassigned) or a user's id",
  device: "A device id, e.g. MM001",
  plan: "A plan's id",
  from: "From this day (YYYY-MM-DD), inclusive",
  to: "Until this day, inclusive",
  due: "overdue (open, day passed), today, week (today and the next 6 days), upcoming (open, from today)",
};

export const maintenanceOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Maintenance records (M92 `iot.device.maintenance`): the occurrences of plans and one-off work, status scheduled → in_progress → done | cancelled, and overdue once the day (UTC) has passed. " +
        "Starting work puts the device into maintenance mode when the work says so; recording it takes the mode off again if starting set it. Overdue work opens a `maintenance_overdue` alert per device, resolved when the work is done, cancelled or moved. " +
        "Calibration work recorded with readings writes a calibration record and moves the device's next calibration date.",
    },
    { name: PLANS, description: "Plans: one-off or every N days, weeks or months, over one device, a group (with its subgroups, optionally one device type of it) or every device of a type on a farm. Occurrences are made up to MAINTENANCE_HORIZON_DAYS (120) ahead, at once when a plan is made or changed and every 15 minutes by the worker." },
  ],
  paths: {
    "/maintenance": {
      get: operation("devices.read", {
        operationId: "listMaintenance",
        summary: "List maintenance records",
        description: "Soonest first (`dir=desc`: newest first), by scheduled date.",
        tags: [TAG],
        parameters: queryParameters(maintenanceListQuerySchema, { ...filterHelp, page: "Page number, from 1", pageSize: "Records per page", dir: "asc (default) or desc" }),
        responses: { "200": ok("A page of records", ref("MaintenanceList")), ...errors(400, ...CALLER) },
      }),
      post: operation("maintenance.plan", {
        operationId: "createMaintenanceWork",
        summary: "Create one-off work on a device",
        description: "Another farm's, an unknown or a retired device is a 400 on `device`; an assignee who cannot do maintenance on the farm a 400 on `assigneeId`.",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("MaintenanceWorkCreate")) },
        responses: { "201": ok("The record (Location: /api/v1/maintenance/{id})", ref("MaintenanceRecord")), ...errors(400, ...CALLER) },
      }),
    },
    "/maintenance/calendar": {
      get: operation("devices.read", {
        operationId: "maintenanceCalendar",
        summary: "The maintenance calendar",
        description: "Per day from `from` to `to` (at most 62 days): how many records, overdue and done, and the first 20. Cancelled work is left out unless `status` asks for it.",
        tags: [TAG],
        parameters: queryParameters(calendarQuerySchema, filterHelp),
        responses: { "200": ok("The days", ref("MaintenanceCalendar")), ...errors(400, ...CALLER) },
      }),
    },
    "/maintenance/{id}": {
      get: operation("devices.read", {
        operationId: "getMaintenance",
        summary: "Read a maintenance record",
        tags: [TAG],
        parameters: [recordId],
        responses: { "200": ok("The record", ref("MaintenanceRecord")), ...errors(...CALLER, 404) },
      }),
      patch: operation("maintenance.plan", {
        operationId: "rescheduleMaintenance",
        summary: "Move or reassign a maintenance record",
        description: "A new day (today or later; overdue work moved becomes scheduled again) and/or assignee (null: nobody). Work in progress can be reassigned, not moved. Done or cancelled work is a 409.",
        tags: [TAG],
        parameters: [recordId],
        requestBody: { required: true, content: json(ref("MaintenanceReschedule")) },
        responses: { "200": ok("The record", ref("MaintenanceRecord")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/maintenance/{id}/start": {
      post: operation("maintenance.write", {
        operationId: "startMaintenance",
        summary: "Start work",
        description: "scheduled or overdue → in_progress. An active device goes into maintenance mode if the work uses it. The body may be empty.",
        tags: [TAG],
        parameters: [recordId],
        requestBody: { required: false, content: json(ref("MaintenanceStart")) },
        responses: { "200": ok("The record", ref("MaintenanceRecord")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/maintenance/{id}/complete": {
      post: operation("maintenance.write", {
        operationId: "completeMaintenance",
        summary: "Record work done",
        description:
          "From in_progress, or straight from scheduled/overdue. cost = Σ quantity × unitCost + laborCost. `calibration` (calibration work only) writes a calibration record and moves the device's last and next calibration. " +
          "Maintenance mode set by starting this work is turned off. Recording it twice is a 409 (“already done on … by …”).",
        tags: [TAG],
        parameters: [recordId],
        requestBody: { required: false, content: json(ref("MaintenanceComplete")) },
        responses: { "200": ok("The record", ref("MaintenanceRecord")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/maintenance/{id}/cancel": {
      post: operation("maintenance.plan", {
        operationId: "cancelMaintenance",
        summary: "Cancel work",
        tags: [TAG],
        parameters: [recordId],
        requestBody: { required: true, content: json(ref("MaintenanceCancel")) },
        responses: { "200": ok("The record", ref("MaintenanceRecord")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/maintenance/{id}/attachments": {
      get: operation("devices.read", {
        operationId: "listMaintenanceAttachments",
        summary: "List a record's attachments",
        tags: [TAG],
        parameters: [recordId],
        responses: { "200": ok("The attachments", { type: "object", properties: { data: { type: "array", items: ref("MaintenanceAttachment") }, total: { type: "integer" } }, required: ["data", "total"] }), ...errors(...CALLER, 404) },
      }),
      post: operation("maintenance.write", {
        operationId: "addMaintenanceAttachment",
        summary: "Attach a file to a record",
        description: `multipart/form-data with the file as \`file\`: ${ATTACHMENT_CONTENT_TYPES.join(", ")}; at most 10 MB.`,
        tags: [TAG],
        parameters: [recordId],
        requestBody: { required: true, content: { "multipart/form-data": { schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" } } } } } },
        responses: { "201": ok("The attachment", ref("MaintenanceAttachment")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/maintenance/{id}/attachments/{attachmentId}": {
      get: operation("devices.read", {
        operationId: "downloadMaintenanceAttachment",
        summary: "Download an attachment",
        tags: [TAG],
        parameters: [recordId, attachmentId],
        responses: { "200": { description: "The file, with its content type" }, ...errors(...CALLER), "404": failure("No such attachment on this record, or the record belongs to a farm the caller may not see") },
      }),
    },
    "/maintenance-plans": {
      get: operation("devices.read", {
        operationId: "listMaintenancePlans",
        summary: "List maintenance plans",
        tags: [PLANS],
        parameters: queryParameters(planListQuerySchema, { farm: filterHelp.farm, active: "active (default), inactive or all", type: filterHelp.type }),
        responses: { "200": ok("A page of plans", ref("MaintenancePlanList")), ...errors(400, ...CALLER) },
      }),
      post: operation("maintenance.plan", {
        operationId: "createMaintenancePlan",
        summary: "Create a maintenance plan",
        description:
          "Without everyCount/everyUnit the plan is one-off on startsOn (today or later). Refused per field: dates out of order, another farm's or a retired device, a group of another farm (or spanning farms without `farmId`), an assignee who cannot do maintenance there. " +
          "The occurrences up to the horizon are made before the answer.",
        tags: [PLANS],
        requestBody: { required: true, content: json(ref("MaintenancePlanCreate")) },
        responses: { "201": ok("The plan (Location: /api/v1/maintenance-plans/{id})", ref("MaintenancePlan")), ...errors(400, ...CALLER) },
      }),
    },
    "/maintenance-plans/{id}": {
      get: operation("devices.read", {
        operationId: "getMaintenancePlan",
        summary: "Read a maintenance plan",
        tags: [PLANS],
        parameters: [planId],
        responses: { "200": ok("The plan with its upcoming occurrences", ref("MaintenancePlan")), ...errors(...CALLER, 404) },
      }),
      patch: operation("maintenance.plan", {
        operationId: "updateMaintenancePlan",
        summary: "Change a maintenance plan",
        description: "Open occurrences not yet started take the new type, assignee, description, duration and maintenance-mode choice; a new rhythm or new dates remake the scheduled occurrences from today on. A deactivated plan is a 409.",
        tags: [PLANS],
        parameters: [planId],
        requestBody: { required: true, content: json(ref("MaintenancePlanUpdate")) },
        responses: { "200": ok("The plan", ref("MaintenancePlan")), ...errors(400, ...CALLER, 404, 409) },
      }),
      delete: operation("maintenance.plan", {
        operationId: "deactivateMaintenancePlan",
        summary: "Deactivate a maintenance plan",
        description: "The plan is kept with its history; its work not yet started is cancelled (“Plan deactivated”). Work in progress is left to finish.",
        tags: [PLANS],
        parameters: [planId],
        responses: { "200": ok("The plan, inactive", ref("MaintenancePlan")), ...errors(...CALLER, 404) },
      }),
    },
  },
  schemas: {
    ...components(
      {
        MaintenanceWorkCreate: workInputSchema,
        MaintenanceReschedule: rescheduleWorkSchema,
        MaintenanceStart: startWorkSchema,
        MaintenanceComplete: completeWorkSchema,
        MaintenanceCancel: cancelWorkSchema,
        MaintenancePlanCreate: planInputSchema,
        MaintenancePlanUpdate: planUpdateSchema,
      },
      "input",
    ),
    ...components({ MaintenanceList: list, MaintenanceRecord: detail, MaintenanceCalendar: calendar, MaintenanceAttachment: attachment, MaintenancePlan: planDetail, MaintenancePlanList: planList }, "output"),
  },
};
