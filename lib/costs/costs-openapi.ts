/**
 * The OpenAPI operations of the cost reports (lib/api/openapi.ts merges them into the document):
 * I-013 §11 `get_farm_cost_summary` and `generate_cost_forecast`, the 12-month history, a device's
 * costs and a farm's unit prices. Queries and the prices body come from the schemas the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, deviceIdParameter, errors, json, ok, operation, queryParameters, ref, type OpenApiArea } from "../api/openapi-helpers";
import { DEVICE_TYPES } from "../devices/device-id";
import { FORECAST_PARTS } from "./cost-forecast";
import { costForecastQuery, costHistoryQuery, costSummaryQuery } from "./cost-months";
import { COST_CATEGORIES } from "./cost-categories";
import { costRatesSchema } from "./cost-rates";

const TAG = "Costs";
const money = z.number().describe("In the farm's currency, rounded to cents");
const figures = z.object(Object.fromEntries([...COST_CATEGORIES, "total"].map((key) => [key, money])) as Record<(typeof COST_CATEGORIES)[number] | "total", typeof money>).describe("covered is negative (claims reduce the cost); total = the sum of the rest");
const rates = z.object({
  currency: z.string().describe("ISO 4217, e.g. EUR"),
  dataPerMb: z.number(),
  electricityPerKwh: z.number(),
  batteryReplacement: z.number(),
  laborPerHour: z.number(),
  maintenanceVisit: z.number(),
});
const farmRates = rates.extend({ farmId: z.number().int(), farmName: z.string(), isDefault: z.boolean().describe("The farm has no prices of its own: the defaults apply"), updatedAt: z.string().nullable() });
const summary = z.object({
  farmId: z.number().int().nullable().describe("null: every farm the caller sees"),
  period: z.string().describe("YYYY-MM"),
  monthToDate: z.boolean(),
  hours: z.number().describe("Hours of the month counted (to now for the current month)"),
  currency: z.string(),
  mixedCurrencies: z.boolean(),
  deviceCount: z.number().int().describe("Devices in service during the month"),
  dataMb: z.number(),
  costs: figures,
  costPerDevice: money,
  byType: z.array(z.object({ deviceType: z.enum(DEVICE_TYPES), devices: z.number().int(), costs: figures })),
  topDevices: z.array(z.object({ id: z.number().int(), deviceId: z.string(), name: z.string(), deviceType: z.enum(DEVICE_TYPES), farmName: z.string(), total: money, costs: z.record(z.string(), money) })).describe("The 10 costliest devices of the month"),
  rates: rates.nullable().describe("The farm's unit prices (null for every farm)"),
});
const historyMonth = z.object({ period: z.string(), monthToDate: z.boolean(), deviceCount: z.number().int(), dataMb: z.number(), costs: figures });
const history = z.object({ farmId: z.number().int().nullable(), currency: z.string(), months: z.array(historyMonth).describe("12 months, oldest first; the last is the current month to date") });
const parts = z.object(Object.fromEntries(FORECAST_PARTS.map((part) => [part, money])) as Record<(typeof FORECAST_PARTS)[number], typeof money>);
const forecast = z.object({
  farmId: z.number().int().nullable(),
  months: z.number().int(),
  generatedAt: z.string(),
  basis: z.record(z.string(), z.string()).describe("How each part is forecast"),
  dataHistory: z.array(z.object({ period: z.string(), amount: money })).describe("The complete months the data projection is made from"),
  forecast: z.array(z.object({ period: z.string(), parts, total: money, maintenanceJobs: z.number().int(), batteryReplacements: z.number().int() })),
  totals: parts.extend({ total: money }),
});
const battery = z.object({
  status: z.enum(["estimated", "due", "not_draining", "no_data"]),
  level: z.number().nullable(),
  threshold: z.number(),
  drainPerDay: z.number().nullable().describe("Percent points per day, fitted over the last 30 days of readings"),
  daysRemaining: z.number().int().nullable(),
  estimatedDate: z.string().nullable(),
  estimatedCost: money,
  confidence: z.enum(["low", "medium", "high"]).describe("From the days the readings span: < 7 low, 7–20 medium, ≥ 21 high"),
  samples: z.number().int(),
  spanDays: z.number(),
});
const deviceCosts = z.object({
  device: z.object({ id: z.number().int(), deviceId: z.string(), name: z.string(), deviceType: z.enum(DEVICE_TYPES), powerSource: z.string(), farmId: z.number().int() }),
  currency: z.string(),
  monthToDate: historyMonth,
  months: z.array(historyMonth),
  last12Months: figures,
  power: z.object({ source: z.string(), watts: z.number().nullable().describe("Typical draw of a mains or PoE device of its type"), pricePerKwh: z.number() }),
  amortisation: z.object({ unitCost: z.number().nullable(), purchaseDate: z.string().nullable(), months: z.number().int(), perMonth: money.nullable(), endsAfter: z.string().nullable() }),
  battery: battery.nullable().describe("Battery devices only"),
});

const farmParameter = { name: "id", in: "path" as const, required: true, description: "The farm's id", schema: { type: "integer", minimum: 1 } };
const SCOPE = "A farm-bound caller sees its own farm (another farm is a 404); without `farm`, an unbound caller sees every farm.";

export const costsOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "What the fleet costs (I-013 §11): data (MB × price per MB, from the usage-snapshot job's monthly counters), power (mains and PoE devices: typical watts × hours in service × price per kWh), " +
        "batteries (battery replacements done, at their cost else the battery price), maintenance (done work at its cost, else the visit price), purchase amortisation (unit cost ÷ depreciation months from the purchase month), " +
        "warranty extensions bought, minus the cost covered by claims closed in the month. Months are UTC calendar months.",
    },
  ],
  paths: {
    "/costs/summary": {
      get: operation("costs.read", {
        operationId: "getCostSummary",
        summary: "A month's costs",
        description: `I-013 §11 \`get_farm_cost_summary\`: by category, per device, by device type and the costliest devices. A malformed or future \`month\` is a 400. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(costSummaryQuery, { farm: "The farm's id" }),
        responses: { "200": ok("The summary", ref("CostSummary")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/costs/history": {
      get: operation("costs.read", {
        operationId: "getCostHistory",
        summary: "The last 12 months' costs",
        description: `By category, oldest first; the current month to date. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(costHistoryQuery, { farm: "The farm's id" }),
        responses: { "200": ok("The months", ref("CostHistory")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/costs/forecast": {
      get: operation("costs.read", {
        operationId: "getCostForecast",
        summary: "The next 3–6 months' costs",
        description: `I-013 §11 \`generate_cost_forecast\`, each part with how it is forecast (\`basis\`): amortisation known, power at the fleet in service now, planned maintenance, projected battery replacements, the data trend. \`months\` outside 3–6 is a 400. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(costForecastQuery, { farm: "The farm's id" }),
        responses: { "200": ok("The forecast", ref("CostForecast")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/farms/{id}/cost-rates": {
      get: operation("costs.read", {
        operationId: "getFarmCostRates",
        summary: "A farm's unit prices",
        description: "Its own, or the defaults (0.01 per MB, 0.25 per kWh, 50 per battery, 45 per labour hour, 100 per maintenance visit, EUR). Another farm's is a 404.",
        tags: [TAG, "Farms"],
        parameters: [farmParameter],
        responses: { "200": ok("The prices", ref("FarmCostRates")), ...errors(...CALLER, 404) },
      }),
      put: operation("costs.manage", {
        operationId: "putFarmCostRates",
        summary: "Set a farm's unit prices",
        description: "All of them. A negative price, too many decimals or a currency that is not three letters is a 400 naming each field; nothing is written. Audited on the farm.",
        tags: [TAG, "Farms"],
        parameters: [farmParameter],
        requestBody: { required: true, content: json(ref("FarmCostRatesPut")) },
        responses: { "200": ok("The prices as saved", ref("FarmCostRates")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/devices/{id}/costs": {
      get: operation("costs.read", {
        operationId: "getDeviceCosts",
        summary: "A device's costs",
        description: "Its month to date, each of the last 12 months, its power and amortisation facts and, for a battery device, the battery replacement estimate. Another farm's device is a 404.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        responses: { "200": ok("The costs", ref("DeviceCosts")), ...errors(...CALLER, 404) },
      }),
    },
  },
  schemas: {
    ...components({ FarmCostRatesPut: costRatesSchema }, "input"),
    ...components({ CostSummary: summary, CostHistory: history, CostForecast: forecast, FarmCostRates: farmRates, DeviceCosts: deviceCosts }, "output"),
  },
};
