/**
 * The OpenAPI operations of the farms (lib/api/openapi.ts merges them into the document): the list
 * every caller may read, one farm with its prices, and creating and editing farms, which takes an
 * admin of every farm. Request bodies come from the schemas the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, errors, json, listOf, ok, operation, ref, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { farmCreateSchema, farmUpdateSchema } from "./farm-schemas";

const TAG = "Farms";

const farm = z.object({
  id: z.number().int(),
  code: z.string().describe("Unique, upper case, e.g. GVD"),
  name: z.string(),
  address: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  timezone: z.string().describe("IANA time zone every date of the farm is shown and sent in, e.g. Europe/Amsterdam"),
  escalationIntervalMinutes: z.number().int().describe("A critical alert not acknowledged within this goes to the next on-call level"),
  debounceMinutes: z.number().int().describe("The same device and alert type does not notify again within this"),
  digestHour: z.number().int().describe("Farm-local hour of the daily digest"),
  createdAt: timestamp,
});
const farmDetails = farm.extend({
  costRates: z
    .object({
      currency: z.string(),
      dataPerMb: z.number(),
      electricityPerKwh: z.number(),
      batteryReplacement: z.number(),
      laborPerHour: z.number(),
      maintenanceVisit: z.number(),
      isDefault: z.boolean().describe("The farm has no prices of its own: the defaults apply"),
      updatedAt: z.string().nullable(),
    })
    .describe("The currency and unit prices of the farm's cost reports (also /farms/{id}/cost-rates)"),
});

const farmParameter = { name: "id", in: "path" as const, required: true, description: "The farm's id", schema: { type: "integer", minimum: 1 } };
const BAD_INPUT =
  "Each bad field is named in `error.fields` (a code that is not 1–20 letters, digits or dashes, a time zone the server does not know, minutes outside 1–1440 for the escalation or 0–1440 for the debounce, an hour outside 0–23, one coordinate without the other, a bad price) and nothing is written. A code another farm has is a 409 naming `code`.";

export const farmsOpenApi: OpenApiArea = {
  tags: [{ name: TAG, description: "The farms the caller may see; admins of every farm create and edit them" }],
  paths: {
    "/farms": {
      get: operation("devices.read", {
        operationId: "listFarms",
        summary: "List the farms the caller may see",
        description: "By name; a farm-bound caller sees its own farm only.",
        tags: [TAG],
        responses: { "200": ok("The farms", listOf(ref("Farm"))), ...errors(...CALLER) },
      }),
      post: operation("farms.manage", {
        operationId: "createFarm",
        summary: "Create a farm",
        description: `Name and code are required; the time zone defaults to UTC, the escalation interval to 15 minutes, the debounce to 5, the digest hour to 7. \`costRates\` sets the farm's currency and unit prices at once (left out, the defaults apply). ${BAD_INPUT} Audited. Callers bound to one farm are refused.`,
        tags: [TAG],
        requestBody: { required: true, content: json(ref("FarmCreate")) },
        responses: { "201": ok("The farm as created", ref("FarmDetails")), ...errors(400, ...CALLER, 409) },
      }),
    },
    "/farms/{id}": {
      get: operation("devices.read", {
        operationId: "getFarm",
        summary: "A farm with its currency and unit prices",
        description: "Another farm than a bound caller's is a 404.",
        tags: [TAG],
        parameters: [farmParameter],
        responses: { "200": ok("The farm", ref("FarmDetails")), ...errors(...CALLER, 404) },
      }),
      patch: operation("farms.manage", {
        operationId: "updateFarm",
        summary: "Change a farm's details",
        description: `Only the fields sent change. A new time zone applies at once to every date of the farm the product shows or sends. \`costRates\` replaces all the prices. ${BAD_INPUT} Audited (the fields that changed, before and after).`,
        tags: [TAG],
        parameters: [farmParameter],
        requestBody: { required: true, content: json(ref("FarmUpdate")) },
        responses: { "200": ok("The farm as saved", ref("FarmDetails")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
  },
  schemas: {
    ...components({ FarmCreate: farmCreateSchema, FarmUpdate: farmUpdateSchema }, "input"),
    ...components({ Farm: farm, FarmDetails: farmDetails }, "output"),
  },
};
