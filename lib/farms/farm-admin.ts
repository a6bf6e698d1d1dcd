/**
 * Creating farms and editing their details: admins of every farm (`farms.manage`), from the farm
 * form and /api/v1/farms. A farm's time zone is what every date of the farm is shown and sent in
 * (lib/i18n/format.ts `clockFor` reads farms.timezone), so changing it changes them all at once.
 * Every change is audited on the farm; a refused change writes nothing.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import { getFarmCostRates, writeFarmCostRates, type FarmCostRatesView } from "../costs/cost-rates";
import type { Db } from "../db";
import { ConflictError, fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { farmCreateSchema, farmUpdateSchema, type FarmView } from "./farm-schemas";

type Tx = Prisma.TransactionClient;

const FARM_SELECT = {
  id: true,
  code: true,
  name: true,
  address: true,
  latitude: true,
  longitude: true,
  timezone: true,
  escalationIntervalMinutes: true,
  debounceMinutes: true,
  digestHour: true,
  createdAt: true,
} as const;

type FarmRow = Prisma.FarmGetPayload<{ select: typeof FARM_SELECT }>;

function toView(row: FarmRow): FarmView {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

/** The audited fields of a farm: everything but its id and creation time. */
function auditable(view: FarmView) {
  const { code, name, address, latitude, longitude, timezone, escalationIntervalMinutes, debounceMinutes, digestHour } = view;
  return { code, name, address, latitude, longitude, timezone, escalationIntervalMinutes, debounceMinutes, digestHour };
}

function assertMayManage(actor: Actor) {
  const refusal = permissionRefusal(actor, "farms.manage");
  if (refusal) throw new ForbiddenError(refusal);
}

function invalid(issues: Parameters<typeof fieldErrorsFromIssues>[0]): InvalidError {
  return new InvalidError("Please correct the highlighted fields. Nothing was saved.", fieldErrorsFromIssues(issues));
}

const codeTaken = (code: string, by: string) => new ConflictError(`The code ${code} is already used by ${by}.`, { code: [`${code} is already used by ${by}; farm codes are unique`] });

async function assertCodeFree(db: Pick<Db, "farm">, code: string, exceptId?: number) {
  const other = await db.farm.findUnique({ where: { code }, select: { id: true, name: true } });
  if (other && other.id !== exceptId) throw codeTaken(code, other.name);
}

/** Two admins saving the same code at once: the unique index decides, the loser gets the same message. */
function isCodeClash(error: unknown) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Farms the actor may see, by name. */
export async function listFarms(db: Pick<Db, "farm">, actor: Pick<Actor, "farmId" | "role">): Promise<FarmView[]> {
  const scope = farmScope(actor);
  const rows = await db.farm.findMany({ where: scope ? { id: scope } : undefined, orderBy: { name: "asc" }, select: FARM_SELECT });
  return rows.map(toView);
}

export type FarmDetails = FarmView & { costRates: Omit<FarmCostRatesView, "farmId" | "farmName"> };

/** One farm with its currency and unit prices; another farm than a bound actor's is "not found". */
export async function getFarmDetails(db: Pick<Db, "farm">, actor: Pick<Actor, "farmId" | "role">, farmId: number): Promise<FarmDetails> {
  const scope = farmScope(actor);
  const row = await db.farm.findUnique({ where: { id: farmId }, select: FARM_SELECT });
  if (!row || (scope !== null && scope !== farmId)) throw new NotFoundError(`Farm ${farmId} not found.`);
  const rates = await getFarmCostRates(db, actor, farmId);
  const costRates = { currency: rates.currency, dataPerMb: rates.dataPerMb, electricityPerKwh: rates.electricityPerKwh, batteryReplacement: rates.batteryReplacement, laborPerHour: rates.laborPerHour, maintenanceVisit: rates.maintenanceVisit, isDefault: rates.isDefault, updatedAt: rates.updatedAt };
  return { ...toView(row), costRates };
}

/**
 * The zone must be one PostgreSQL knows too: fan-out, quiet hours and the digest compute the farm's
 * clock in SQL (`AT TIME ZONE`), and a zone Node knows but the database does not would fail every
 * batch that touches the farm. Checked on save, so what is stored is always usable there.
 */
async function assertZoneKnownToDatabase(tx: Pick<Tx, "$queryRaw">, timezone: string | undefined): Promise<void> {
  if (timezone === undefined) return;
  const found = await tx.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok FROM pg_timezone_names WHERE name = ${timezone} LIMIT 1`;
  if (found.length === 0) {
    const message = `The database does not know the time zone ${timezone}; choose another (for example its main city's zone).`;
    throw new InvalidError("Please correct the highlighted fields. Nothing was saved.", { timezone: [message] });
  }
}

/** A new farm (with its prices when given); the code must be free. */
export async function createFarm(db: Db, actor: Actor, input: unknown): Promise<FarmDetails> {
  assertMayManage(actor);
  const parsed = farmCreateSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { costRates, ...fields } = parsed.data;
  try {
    const id = await db.$transaction(async (tx) => {
      await assertCodeFree(tx, fields.code);
      await assertZoneKnownToDatabase(tx, fields.timezone);
      const row = await tx.farm.create({ data: { ...fields, address: fields.address ?? null, latitude: fields.latitude ?? null, longitude: fields.longitude ?? null }, select: FARM_SELECT });
      await recordAudit(tx, actor, { entityType: "farm", entityId: String(row.id), action: "farm.create", after: auditable(toView(row)) });
      if (costRates) await writeFarmCostRates(tx, actor, row.id, costRates);
      return row.id;
    });
    return getFarmDetails(db, actor, id);
  } catch (error) {
    if (isCodeClash(error)) throw codeTaken(fields.code, "another farm");
    throw error;
  }
}

/** Changes the fields given (PATCH); nothing changes when any of them is wrong. */
export async function updateFarm(db: Db, actor: Actor, farmId: number, input: unknown): Promise<FarmDetails> {
  assertMayManage(actor);
  const parsed = farmUpdateSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { costRates, ...fields } = parsed.data;
  try {
    await db.$transaction(async (tx: Tx) => {
      const before = await tx.farm.findUnique({ where: { id: farmId }, select: FARM_SELECT });
      if (!before || (farmScope(actor) !== null && farmScope(actor) !== farmId)) throw new NotFoundError(`Farm ${farmId} not found.`);
      // one coordinate sent alone must still make a place with the one stored
      const latitude = fields.latitude === undefined ? before.latitude : fields.latitude;
      const longitude = fields.longitude === undefined ? before.longitude : fields.longitude;
      if ((latitude === null) !== (longitude === null)) {
        const missing = latitude === null ? "latitude" : "longitude";
        throw new InvalidError("Please correct the highlighted fields. Nothing was saved.", { [missing]: [`Enter the ${missing} too (or clear both)`] });
      }
      if (fields.code !== undefined && fields.code !== before.code) await assertCodeFree(tx, fields.code, farmId);
      if (fields.timezone !== before.timezone) await assertZoneKnownToDatabase(tx, fields.timezone);
      const after = await tx.farm.update({ where: { id: farmId }, data: fields, select: FARM_SELECT });
      const was = auditable(toView(before));
      const now = auditable(toView(after));
      const changed = (Object.keys(now) as (keyof typeof now)[]).filter((key) => was[key] !== now[key]);
      if (changed.length) {
        await recordAudit(tx, actor, {
          entityType: "farm",
          entityId: String(farmId),
          action: "farm.update",
          before: Object.fromEntries(changed.map((key) => [key, was[key]])),
          after: Object.fromEntries(changed.map((key) => [key, now[key]])),
        });
      }
      if (costRates) await writeFarmCostRates(tx, actor, farmId, costRates);
    });
  } catch (error) {
    if (isCodeClash(error) && fields.code) throw codeTaken(fields.code, "another farm");
    throw error;
  }
  return getFarmDetails(db, actor, farmId);
}
