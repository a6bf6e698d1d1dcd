/**
 * A farm's unit prices for the cost reports (I-013 §11 CostManagementService). The seed's rates are
 * the defaults: 0.01 per MB of data, 50 per battery replacement, 100 per maintenance visit; we add
 * electricity per kWh (mains and PoE devices) and labour per hour (what a technician's hour costs,
 * for the maintenance records). A farm without its own row uses the defaults.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError } from "../errors";

export const RATE_FIELDS = ["dataPerMb", "electricityPerKwh", "batteryReplacement", "laborPerHour", "maintenanceVisit"] as const;
export type RateField = (typeof RATE_FIELDS)[number];

export type CostRates = { currency: string } & Record<RateField, number>;

export const DEFAULT_COST_RATES: CostRates = {
  currency: "EUR",
  dataPerMb: 0.01,
  electricityPerKwh: 0.25,
  batteryReplacement: 50,
  laborPerHour: 45,
  maintenanceVisit: 100,
};

export const RATE_LABEL: Record<RateField, string> = {
  dataPerMb: "Data, per MB",
  electricityPerKwh: "Electricity, per kWh",
  batteryReplacement: "Battery replacement",
  laborPerHour: "Labour, per hour",
  maintenanceVisit: "Maintenance visit",
};

/** Decimal places each column keeps (farm_cost_rates: data and electricity 4, the others 2). */
const DECIMALS: Record<RateField, number> = { dataPerMb: 4, electricityPerKwh: 4, batteryReplacement: 2, laborPerHour: 2, maintenanceVisit: 2 };
const MAX: Record<RateField, number> = { dataPerMb: 100, electricityPerKwh: 100, batteryReplacement: 100_000, laborPerHour: 100_000, maintenanceVisit: 100_000 };

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

function rate(field: RateField) {
  const places = DECIMALS[field];
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "Enter a price (0 or more)" })
      .min(0, "Must be 0 or more")
      .max(MAX[field], `Must be at most ${MAX[field].toLocaleString("en")}`)
      .refine((value) => Math.abs(value * 10 ** places - Math.round(value * 10 ** places)) < 1e-6, `At most ${places} decimal places`),
  );
}

/** The whole set of prices, from the rates form or `PUT /farms/{id}/cost-rates`. */
export const costRatesSchema = z
  .object({
    currency: z.preprocess(
      (value) => (typeof value === "string" ? value.trim().toUpperCase() : value),
      z.string({ error: "Enter a currency code" }).regex(/^[A-Z]{3}$/, "Use a three-letter currency code such as EUR"),
    ),
    dataPerMb: rate("dataPerMb"),
    electricityPerKwh: rate("electricityPerKwh"),
    batteryReplacement: rate("batteryReplacement"),
    laborPerHour: rate("laborPerHour"),
    maintenanceVisit: rate("maintenanceVisit"),
  })
  .strict();
export type CostRatesInput = z.infer<typeof costRatesSchema>;

export type FarmCostRatesView = CostRates & {
  farmId: number;
  farmName: string;
  /** true when the farm has no prices of its own and the defaults apply. */
  isDefault: boolean;
  updatedAt: string | null;
};

type RatesRow = { currency: string; updatedAt: Date } & Record<RateField, Prisma.Decimal>;

function fromRow(row: RatesRow | null): CostRates {
  if (!row) return { ...DEFAULT_COST_RATES };
  return {
    currency: row.currency,
    dataPerMb: Number(row.dataPerMb),
    electricityPerKwh: Number(row.electricityPerKwh),
    batteryReplacement: Number(row.batteryReplacement),
    laborPerHour: Number(row.laborPerHour),
    maintenanceVisit: Number(row.maintenanceVisit),
  };
}

async function findFarm(db: Pick<Db, "farm">, actor: Pick<Actor, "farmId" | "role">, farmId: number) {
  const scope = farmScope(actor);
  const farm = await db.farm.findUnique({ where: { id: farmId }, select: { id: true, name: true, costRates: true } });
  // Another farm's prices are "not found", like its devices: their existence does not leak.
  if (!farm || (scope !== null && scope !== farmId)) throw new NotFoundError(`Farm ${farmId} not found.`);
  return farm;
}

/** The prices a farm's cost reports use (its own, or the defaults). */
export async function getFarmCostRates(db: Pick<Db, "farm">, actor: Pick<Actor, "farmId" | "role">, farmId: number): Promise<FarmCostRatesView> {
  const farm = await findFarm(db, actor, farmId);
  return { farmId: farm.id, farmName: farm.name, ...fromRow(farm.costRates), isDefault: farm.costRates === null, updatedAt: farm.costRates?.updatedAt.toISOString() ?? null };
}

/** Replaces a farm's prices (all of them: the form shows every one); audited on the farm. */
export async function updateFarmCostRates(db: Db, actor: Actor, farmId: number, input: unknown): Promise<FarmCostRatesView> {
  const refusal = permissionRefusal(actor, "costs.manage");
  if (refusal) throw new ForbiddenError(refusal);
  const parsed = costRatesSchema.safeParse(input);
  if (!parsed.success) throw new InvalidError("Please correct the highlighted prices.", fieldErrorsFromIssues(parsed.error.issues));
  return db.$transaction(async (tx) => writeFarmCostRates(tx, actor, farmId, parsed.data));
}

/**
 * Saves parsed prices inside the caller's transaction, audited: the rates form, and the farm form
 * and API (lib/farms/farm-admin.ts) that set a new farm's currency and prices with the farm.
 */
export async function writeFarmCostRates(tx: Pick<Db, "farm" | "farmCostRates" | "auditEvent">, actor: Actor, farmId: number, data: CostRatesInput): Promise<FarmCostRatesView> {
  const farm = await findFarm(tx, actor, farmId);
  const before = fromRow(farm.costRates);
  const updatedById = actor.kind === "user" ? actor.id : null;
  const saved = await tx.farmCostRates.upsert({ where: { farmId }, create: { farmId, ...data, updatedById }, update: { ...data, updatedById } });
  const after = fromRow(saved);
  await recordAudit(tx, actor, { entityType: "farm", entityId: String(farmId), action: "cost_rates.update", before: { ...before, isDefault: farm.costRates === null }, after });
  return { farmId, farmName: farm.name, ...after, isDefault: false, updatedAt: saved.updatedAt.toISOString() };
}

/** For the maintenance records and other areas: a farm's prices without an actor check. */
export async function farmRates(db: Pick<Db, "farmCostRates">, farmId: number): Promise<CostRates> {
  return fromRow(await db.farmCostRates.findUnique({ where: { farmId } }));
}

/** SQL of the rates per farm (with the defaults filled in), for the set-based reports. */
export function ratesSql(farmParam: string): string {
  const d = DEFAULT_COST_RATES;
  return `SELECT f.id AS farm_id,
      COALESCE(r.currency, '${d.currency}') AS currency,
      COALESCE(r.data_per_mb, ${d.dataPerMb}) AS data_per_mb,
      COALESCE(r.electricity_per_kwh, ${d.electricityPerKwh}) AS electricity_per_kwh,
      COALESCE(r.battery_replacement, ${d.batteryReplacement}) AS battery_replacement,
      COALESCE(r.labor_per_hour, ${d.laborPerHour}) AS labor_per_hour,
      COALESCE(r.maintenance_visit, ${d.maintenanceVisit}) AS maintenance_visit
    FROM farms f LEFT JOIN farm_cost_rates r ON r.farm_id = f.id
    WHERE (${farmParam}::int IS NULL OR f.id = ${farmParam}::int)`;
}
