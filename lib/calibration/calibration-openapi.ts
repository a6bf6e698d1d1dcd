/**
 * The OpenAPI operations of calibration (lib/api/openapi.ts merges them): a device's calibrations
 * and the hand-entered record. The request body is the schema the route parses with.
 */
import { z } from "zod";
import { CALLER, components, deviceIdParameter, errors, json, ok, operation, queryParameters, ref, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { calibrationInputSchema } from "./calibration-schemas";
import { calibrationListQuery } from "./calibrations";

const TAG = "Calibration";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("YYYY-MM-DD");
const status = z.enum(["not_required", "ok", "due", "overdue"]).describe("Today's: overdue after the next due date, due within 14 days of it (or never calibrated), ok before; not_required for types that are not calibrated");
const calibration = z.object({
  id: z.number().int(),
  method: z.enum(["manual", "command"]).describe("manual: entered by hand or from maintenance work; command: made from a calibrate_* command's result"),
  commandId: z.string().nullable().describe("The calibrate_* command it was made from"),
  maintenanceId: z.number().int().nullable().describe("The maintenance record of the calibration work"),
  reference: z.string().nullable(),
  referenceValue: z.number().nullable(),
  beforeValue: z.number().nullable(),
  afterValue: z.number().nullable(),
  beforeOffset: z.number().nullable(),
  afterOffset: z.number().nullable(),
  unit: z.string().nullable(),
  tolerance: z.number().nullable(),
  passed: z.boolean(),
  notes: z.string().nullable(),
  performedAt: timestamp,
  performedBy: z.string().nullable().describe("The person's name; null for a command"),
  nextDueOn: day.nullable(),
});
const deviceFields = {
  deviceId: z.string(),
  deviceType: z.string(),
  status,
  lastCalibration: timestamp.nullable(),
  nextCalibrationDue: day.nullable(),
  intervalDays: z.number().int().nullable().describe("Days between calibrations: the device's own or its type's default"),
  intervalIsDefault: z.boolean(),
};
const history = z.object({ ...deviceFields, total: z.number().int(), data: z.array(calibration).describe("Newest first") });
const recorded = z.object({ calibration, device: z.object(deviceFields) });

export const calibrationOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Calibration records (before/after readings or offsets, passed or failed, the reference used), entered by hand or made from a completed calibrate_* command. " +
        "Each moves the device's last calibration, next due date (its interval from the day it was done; a failed one is due the same day) and calibration status.",
    },
  ],
  paths: {
    "/devices/{id}/calibrations": {
      get: operation("devices.read", {
        operationId: "listDeviceCalibrations",
        summary: "A device's calibrations",
        description: "Its calibration status today, last and next due date, interval, and its calibrations, newest first.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter, ...queryParameters(calibrationListQuery)],
        responses: { "200": ok("The calibrations", ref("DeviceCalibrations")), ...errors(400, ...CALLER, 404) },
      }),
      post: operation("maintenance.write", {
        operationId: "recordDeviceCalibration",
        summary: "Record a calibration",
        description:
          "Entered by hand. `passed` is required, and readings (or offsets) or a note. `performedAt` defaults to now and cannot be in the future; `nextDueOn` defaults to the interval from that day. " +
          "Bad input is a 400 whose `error.fields` names each field; nothing is written. A retired device is a 400; a viewer is refused (403); another farm's device is a 404.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("CalibrationInput")) },
        responses: { "201": ok("The calibration and the device's calibration state now", ref("CalibrationRecorded")), ...errors(400, ...CALLER, 404) },
      }),
    },
  },
  schemas: {
    ...components({ CalibrationInput: calibrationInputSchema }, "input"),
    ...components({ DeviceCalibrations: history, CalibrationRecorded: recorded }, "output"),
  },
};
