/**
 * The asset side of the demo (issue 17), so the maintenance, warranty, inventory and cost screens
 * show something true on a fresh start. Dated from the moment of seeding (`now`) and deterministic
 * (one seeded random stream), written after the fleet of seed.ts exists:
 *
 * - every device gets an asset record: supplier, purchase order, purchase date, unit cost,
 *   depreciation months, a 2-year warranty from purchase; Green Valley's gateway GW001 has fewer
 *   than 30 days of warranty left, its calf-barn probe TS002 came from the old system with an
 *   expired one, collar AC007's was voided (tamper seal broken) and meter MM003's was extended a year;
 * - recurring plans with a year of done occurrences (parts, time, labour and total cost, the
 *   technician as performer) and the next ones scheduled: the quarterly milk-meter calibration of
 *   each parlour, the half-yearly air-sensor calibration and the monthly gateway inspection at
 *   Green Valley, the yearly collar battery check of Green Valley's and Hillside's herds; beside
 *   them a year of hand-recorded work (cleaning, lubrication, calibrations, battery swaps, repairs);
 * - on the technician's day: the gateway inspection and a milk-meter cleaning today, the parlour
 *   calibration and the collar batteries in the next two weeks (occurrences are made as far ahead
 *   as the worker's sweep makes them); overdue: air sensor ES004 (the
 *   last half-yearly round), Hillside's collars AC107 and AC108 and feeder FD101;
 * - calibration records behind every calibrated device, the device's last/next calibration and
 *   status set by the rules of lib/calibration/calibration-rules.ts: most ok, Green Valley's meters
 *   and probe TS003 due, ES004 and FD101 overdue;
 * - warranty claims: MM005's failed flow sensor (closed: replaced, cost covered) and AC004's step
 *   counter (submitted to HerdPulse with an RMA number);
 * - seven spare devices in stock (registered, never provisioned, so the simulator leaves them
 *   alone) in Green Valley's and Hillside's stores, one of them moved from Hillside a while ago
 *   (a DeviceTransfer row);
 * - each farm's unit prices, and 12 months of usage counters per device in use whose last figure
 *   is the device's data_transmitted_bytes.
 *
 * The overdue work gets its open `maintenance_overdue` alerts through the maintenance sweep's own
 * alert step (syncOverdueAlerts), as if the sweep had just turned it overdue.
 *
 * Runs once: it does nothing when a maintenance plan exists already.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../lib/db";
import { CALIBRATION_INTERVAL_DAYS, calibrationStatusOn, nextCalibrationDate } from "../lib/calibration/calibration-rules";
import { DEVICE_ID_PREFIX, type DeviceTypeName } from "../lib/devices/device-id";
import { horizonDays, syncOverdueAlerts } from "../lib/maintenance/maintenance-sweep";
import { prismaSql } from "../lib/ota/job-stops";
import { utcDay } from "../lib/warranty/warranty-status";

type MaintenanceTypeName = "preventive" | "corrective" | "calibration" | "inspection" | "cleaning" | "battery_replacement" | "part_replacement" | "firmware";
type Part = { name: string; partNumber?: string; quantity: number; unitCost?: number };

const DAY = 86_400_000;
const ADMIN = "admin@smartdairy.example";
const MANAGER = "manager@smartdairy.example";
const TECH = "tech@smartdairy.example";

/**
 * Occurrences are made as far ahead as the worker's maintenance sweep makes them, so its first run
 * finds nothing to add and carries on from each plan's nextOn.
 */
export const DEMO_HORIZON_DAYS = horizonDays();

/** Each farm's unit prices (FarmCostRates). */
export const DEMO_COST_RATES = {
  GVD: { currency: "EUR", dataPerMb: "0.0100", electricityPerKwh: "0.2800", batteryReplacement: "50.00", laborPerHour: "45.00", maintenanceVisit: "100.00" },
  HMF: { currency: "EUR", dataPerMb: "0.0100", electricityPerKwh: "0.3100", batteryReplacement: "48.00", laborPerHour: "42.00", maintenanceVisit: "95.00" },
  RBC: { currency: "EUR", dataPerMb: "0.0120", electricityPerKwh: "0.3400", batteryReplacement: "52.00", laborPerHour: "50.00", maintenanceVisit: "110.00" },
} as const;

/** What a device of each type cost, who sold it and how long it is written off over. */
const ASSET: Record<DeviceTypeName, { supplier: string; unitCost: number; depreciationMonths: number }> = {
  milk_meter: { supplier: "FlowSense B.V.", unitCost: 420, depreciationMonths: 60 },
  temperature: { supplier: "AgriTech Supplies Ltd", unitCost: 85, depreciationMonths: 48 },
  environmental: { supplier: "BarnAir GmbH", unitCost: 240, depreciationMonths: 48 },
  collar: { supplier: "HerdPulse Europe", unitCost: 95, depreciationMonths: 36 },
  feeder: { supplier: "FeedRight Systems", unitCost: 1850, depreciationMonths: 84 },
  gate: { supplier: "GateWorks NV", unitCost: 2400, depreciationMonths: 84 },
  waterer: { supplier: "AgriTech Supplies Ltd", unitCost: 650, depreciationMonths: 84 },
  rfid_reader: { supplier: "TagLine Identification", unitCost: 780, depreciationMonths: 60 },
  gateway: { supplier: "FieldLink Networks", unitCost: 520, depreciationMonths: 60 },
};

/** Typical data a device sends in a month (MB of 1,048,576 bytes, as the cost reports count), for the usage counters. */
const MONTHLY_MB: Record<DeviceTypeName, number> = {
  milk_meter: 28,
  temperature: 4,
  environmental: 14,
  collar: 3,
  feeder: 9,
  gate: 6,
  waterer: 2.5,
  rfid_reader: 22,
  gateway: 180,
};

/** Battery drain per 30 days in % (battery and solar devices), for the usage counters' battery figures. */
const DRAIN_PER_MONTH: Partial<Record<DeviceTypeName, number>> = { collar: 7.5, temperature: 4, environmental: 6, waterer: 2 };

/** When each farm bought its fleet (days before now) and the purchase order. */
const FLEET_PURCHASE: Record<string, { daysAgo: number; po: string }> = {
  GVD: { daysAgo: 420, po: "PO-GVD-2025-014" },
  HMF: { daysAgo: 395, po: "PO-HMF-2025-007" },
  RBC: { daysAgo: 440, po: "PO-RBC-2025-021" },
};

const WARRANTY_TERMS = "Standard 2-year manufacturer warranty: parts and labour, return to base";
/** The seed's create_asset_record: the warranty ends 2 × 365 days after purchase. */
const WARRANTY_DAYS = 730;
const warrantyEndOf = (purchaseDate: Date) => new Date(purchaseDate.getTime() + WARRANTY_DAYS * DAY);

/** Spare devices in stock: registered, never provisioned, kept in a store. */
const STOCK = [
  { farm: "GVD", type: "milk_meter", number: 91, boughtDaysAgo: 60, boughtBy: "HMF", location: "Main store, shelf B2" },
  { farm: "GVD", type: "environmental", number: 91, boughtDaysAgo: 60, location: "Main store, shelf A1" },
  { farm: "GVD", type: "collar", number: 91, boughtDaysAgo: 20, location: "Main store, shelf B3" },
  { farm: "GVD", type: "collar", number: 92, boughtDaysAgo: 20, location: "Main store, shelf B3" },
  { farm: "HMF", type: "milk_meter", number: 91, boughtDaysAgo: 30, location: "Workshop, cabinet 2" },
  { farm: "HMF", type: "collar", number: 91, boughtDaysAgo: 30, location: "Workshop, cabinet 2" },
  { farm: "HMF", type: "gateway", number: 91, boughtDaysAgo: 200, location: "Farm office, cupboard" },
] as const satisfies readonly { farm: string; type: DeviceTypeName; number: number; boughtDaysAgo: number; boughtBy?: string; location: string }[];

/** The device ids of the spares (the seed's format: type prefix, farm's hundred, number). */
export const DEMO_STOCK_IDS = STOCK.map((spare) => stockId(spare.farm, spare.type, spare.number));

function stockId(farm: string, type: DeviceTypeName, number: number) {
  const farmIndex = ["GVD", "HMF", "RBC"].indexOf(farm);
  return `${DEVICE_ID_PREFIX[type]}${String(farmIndex * 100 + number).padStart(3, "0")}`;
}

/** mulberry32: a small seeded generator, so every fresh start writes the same figures. */
function randomStream(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Calendar months later (or earlier), the day clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsUtc(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), last)));
}

type Device = {
  id: number;
  deviceId: string;
  deviceType: DeviceTypeName;
  farmId: number;
  farmCode: string;
  groupId: number | null;
  locationDescription: string | null;
  powerSource: string;
  provisioningDate: Date | null;
};

export type DemoAssetsSummary = { plans: number; maintenances: number; calibrations: number; stock: number; claims: number; usageMonths: number };

export async function seedDemoAssets(db: Db, now = new Date()): Promise<DemoAssetsSummary> {
  const none = { plans: 0, maintenances: 0, calibrations: 0, stock: 0, claims: 0, usageMonths: 0 };
  if ((await db.maintenancePlan.count()) > 0) return none;
  const farmRows = await db.farm.findMany({ where: { code: { in: ["GVD", "HMF", "RBC"] } }, select: { id: true, code: true } });
  const farms = new Map(farmRows.map((farm) => [farm.code, farm.id]));
  const userRows = await db.user.findMany({ where: { email: { in: [ADMIN, MANAGER, TECH] } }, select: { id: true, email: true } });
  const user = new Map(userRows.map((row) => [row.email, row.id]));
  if (farms.size !== 3 || user.size !== 3) return none;
  const admin = user.get(ADMIN)!;
  const manager = user.get(MANAGER)!;
  const tech = user.get(TECH)!;
  const farmCode = new Map(farmRows.map((farm) => [farm.id, farm.code]));
  const groups = new Map((await db.deviceGroup.findMany({ where: { farmId: { in: [...farms.values()] } }, select: { id: true, code: true } })).map((group) => [group.code, group.id]));

  const rows = await db.device.findMany({
    where: { farmId: { in: [...farms.values()] }, state: "active" },
    orderBy: { id: "asc" },
    select: { id: true, deviceId: true, deviceType: true, farmId: true, groupId: true, locationDescription: true, powerSource: true, provisioningDate: true },
  });
  const fleet: Device[] = rows.map((row) => ({ ...row, deviceType: row.deviceType as DeviceTypeName, farmCode: farmCode.get(row.farmId)! }));
  const byId = new Map(fleet.map((device) => [device.deviceId, device]));
  const device = (deviceId: string) => {
    const found = byId.get(deviceId);
    if (!found) throw new Error(`demo assets: the seed has no device ${deviceId}`);
    return found;
  };
  const ofFarm = (code: string, type: DeviceTypeName) => fleet.filter((d) => d.farmCode === code && d.deviceType === type);

  const random = randomStream(20261203);
  const between = (low: number, high: number) => low + (high - low) * random();
  const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;
  const today = utcDay(now);
  /** The calendar day `offset` days from today (a @db.Date value). */
  const day = (offset: number) => new Date(today + offset * DAY);
  /** A moment on that day, never later than now. */
  const at = (offset: number, hour: number, minute = 0) => new Date(Math.min(today + offset * DAY + (hour * 60 + minute) * 60_000, now.getTime() - 60_000));
  const daysFromToday = (date: Date) => Math.round((utcDay(date) - today) / DAY);

  const summary: DemoAssetsSummary = { ...none };

  await db.$transaction(
    async (tx) => {
      // ------------------------------------------------------------ asset records and warranties
      for (const d of fleet) {
        const asset = ASSET[d.deviceType];
        const purchase = FLEET_PURCHASE[d.farmCode]!;
        let purchaseDate = day(-purchase.daysAgo);
        let warrantyEnd = warrantyEndOf(purchaseDate);
        let purchaseOrder = purchase.po;
        // GW001 came a while before the rest of Green Valley's fleet; TS002 from the old calf-barn system.
        if (d.deviceId === "GW001") {
          warrantyEnd = day(18);
          purchaseDate = day(18 - WARRANTY_DAYS);
          purchaseOrder = "PO-GVD-2024-031";
        } else if (d.deviceId === "TS002") {
          warrantyEnd = day(-40);
          purchaseDate = day(-40 - WARRANTY_DAYS);
          purchaseOrder = "PO-GVD-2024-009";
        }
        await tx.device.update({
          where: { id: d.id },
          data: {
            supplier: asset.supplier,
            purchaseOrder,
            purchaseDate,
            unitCost: asset.unitCost.toFixed(2),
            depreciationMonths: asset.depreciationMonths,
            warrantyStart: purchaseDate,
            warrantyEnd,
            warrantyTerms: WARRANTY_TERMS,
            provisioningDate: new Date(purchaseDate.getTime() + (14 + (d.id % 5)) * DAY + 10 * 3_600_000),
          },
        });
        d.provisioningDate = new Date(purchaseDate.getTime() + (14 + (d.id % 5)) * DAY + 10 * 3_600_000);
      }
      await tx.device.update({
        where: { id: device("AC007").id },
        data: { warrantyVoidedAt: at(-70, 11, 20), warrantyVoidReason: "Housing opened by a third party: tamper seal broken (HerdPulse inspection report)" },
      });
      const extended = device("MM003");
      const extendedEnd = warrantyEndOf(day(-FLEET_PURCHASE.GVD!.daysAgo));
      await tx.warrantyExtension.create({
        data: {
          deviceId: extended.id,
          farmId: extended.farmId,
          previousEnd: extendedEnd,
          newEnd: addMonthsUtc(extendedEnd, 12),
          months: 12,
          cost: "45.00",
          provider: "FlowSense Care+",
          createdById: manager,
          createdAt: at(-60, 9, 40),
        },
      });
      await tx.device.update({ where: { id: extended.id }, data: { warrantyEnd: addMonthsUtc(extendedEnd, 12) } });
      const expiringTag = await tx.deviceTag.findUnique({ where: { name: "warranty-expiring" }, select: { id: true } });
      if (expiringTag) await tx.deviceTagLink.create({ data: { deviceId: device("GW001").id, tagId: expiringTag.id } });

      // ------------------------------------------------------------ prices
      for (const [code, rates] of Object.entries(DEMO_COST_RATES)) {
        await tx.farmCostRates.create({ data: { farmId: farms.get(code)!, ...rates, updatedById: admin, updatedAt: at(-300, 8) } });
      }
      const laborPerHour = (farmCodeOf: string) => Number(DEMO_COST_RATES[farmCodeOf as keyof typeof DEMO_COST_RATES].laborPerHour);

      // ------------------------------------------------------------ maintenance and calibrations
      /** Newest calibration per device, to set the device from. */
      const newest = new Map<number, { performedAt: Date; nextDueOn: Date }>();

      const work = async (w: {
        device: Device;
        type: MaintenanceTypeName;
        on: number;
        status: "done" | "scheduled" | "overdue" | "cancelled";
        description: string;
        planId?: number;
        assignee?: number | null;
        performer?: number | null;
        notes?: string;
        parts?: Part[];
        minutes?: number;
        /** Done a day or two after its date. */
        late?: number;
        hour?: number;
        createdBy?: number | null;
        cancelReason?: string;
      }) => {
        const scheduledDate = day(w.on);
        const data: Prisma.MaintenanceUncheckedCreateInput = {
          deviceId: w.device.id,
          farmId: w.device.farmId,
          planId: w.planId ?? null,
          maintenanceType: w.type,
          status: w.status,
          scheduledDate,
          assigneeId: w.assignee === undefined ? w.performer ?? null : w.assignee,
          description: w.description,
          notes: w.notes ?? null,
          createdById: w.createdBy === undefined ? manager : w.createdBy,
          createdAt: new Date(Math.min(today + (w.on - 14) * DAY + 8 * 3_600_000, now.getTime() - 3_600_000)),
        };
        if (w.status === "done") {
          const minutes = w.minutes ?? 30;
          const parts = w.parts ?? [];
          const partsCents = parts.reduce((sum, part) => sum + Math.round((part.unitCost ?? 0) * 100) * part.quantity, 0);
          const laborCents = Math.round((minutes / 60) * laborPerHour(w.device.farmCode) * 100);
          const performedAt = at(w.on + (w.late ?? 0), w.hour ?? 9 + (w.device.id % 6), (w.device.id * 7) % 60);
          Object.assign(data, {
            parts: parts as Prisma.InputJsonValue,
            durationMinutes: minutes,
            laborCost: (laborCents / 100).toFixed(2),
            cost: ((partsCents + laborCents) / 100).toFixed(2),
            startedAt: new Date(performedAt.getTime() - minutes * 60_000),
            startedById: w.performer ?? null,
            performedAt,
            performedById: w.performer ?? null,
            updatedAt: performedAt,
          });
        } else if (w.status === "cancelled") {
          Object.assign(data, { cancelledAt: at(w.on - 1, 16), cancelledById: manager, cancelReason: w.cancelReason ?? null });
        }
        const row = await tx.maintenance.create({ data, select: { id: true, performedAt: true } });
        summary.maintenances++;
        return row;
      };

      const calibrate = async (d: Device, performedAt: Date, options: { maintenanceId?: number | null; performer?: number | null; passed?: boolean; notes?: string } = {}) => {
        const reading = READINGS[d.deviceType];
        if (!reading) throw new Error(`demo assets: ${d.deviceType} is not calibrated`);
        const passed = options.passed ?? true;
        const drift = between(0.3, 2.2) * reading.tolerance * (random() < 0.5 ? -1 : 1);
        const before = round(reading.reference + drift, 3);
        const after = passed ? round(reading.reference + between(-0.3, 0.3) * reading.tolerance, 3) : round(reading.reference + Math.sign(drift) * between(1.2, 1.6) * reading.tolerance, 3);
        const interval = CALIBRATION_INTERVAL_DAYS[d.deviceType]!;
        const nextDueOn = passed ? nextCalibrationDate(performedAt, interval) : nextCalibrationDate(performedAt, 0);
        await tx.calibration.create({
          data: {
            deviceId: d.id,
            farmId: d.farmId,
            maintenanceId: options.maintenanceId ?? null,
            method: "manual",
            reference: reading.reference_label,
            referenceValue: reading.reference,
            beforeValue: before,
            afterValue: after,
            beforeOffset: round(before - reading.reference, 3),
            afterOffset: round(after - reading.reference, 3),
            unit: reading.unit,
            tolerance: reading.tolerance,
            passed,
            notes: options.notes ?? null,
            performedAt,
            performedById: options.performer ?? null,
            nextDueOn,
            createdAt: performedAt,
          },
        });
        summary.calibrations++;
        const last = newest.get(d.id);
        if (!last || last.performedAt < performedAt) newest.set(d.id, { performedAt, nextDueOn });
      };

      /** Calibration work (done) and its calibration record. */
      const calibrationWork = async (w: Parameters<typeof work>[0] & { passed?: boolean; calibrationNotes?: string }) => {
        const row = await work({ ...w, type: "calibration" });
        await calibrate(w.device, row.performedAt!, { maintenanceId: row.id, performer: w.performer ?? null, passed: w.passed, notes: w.calibrationNotes });
        return row;
      };

      type PlanSpec = {
        farm: string;
        name: string;
        type: MaintenanceTypeName;
        scope: "device" | "group" | "device_type";
        target: { deviceId?: string; groupCode?: string; deviceType?: DeviceTypeName };
        every: { count: number; unit: "months" };
        /** The occurrence that is next (or, when negative, the last one: overdue for some). */
        pivotDay: number;
        /** How many earlier occurrences to make (done). */
        history: number;
        assignee: number | null;
        description: string;
        durationMinutes: number;
      };
      /** A plan whose occurrences fall on startsOn + k × interval, made from `history` before the pivot to the horizon. */
      const plan = async (spec: PlanSpec, each: (occurrence: { planId: number; device: Device; on: number; index: number; pivot: boolean; future: boolean }) => Promise<void>) => {
        const pivot = day(spec.pivotDay);
        const startsOn = addMonthsUtc(pivot, -spec.history * spec.every.count);
        const dates: Date[] = [];
        let k = 0;
        for (; ; k++) {
          const date = addMonthsUtc(startsOn, k * spec.every.count);
          if (daysFromToday(date) > DEMO_HORIZON_DAYS) break;
          dates.push(date);
        }
        const created = await tx.maintenancePlan.create({
          data: {
            farmId: farms.get(spec.farm)!,
            name: spec.name,
            maintenanceType: spec.type,
            scope: spec.scope,
            deviceId: spec.target.deviceId ? device(spec.target.deviceId).id : null,
            groupId: spec.target.groupCode ? groups.get(spec.target.groupCode)! : null,
            deviceType: spec.target.deviceType ?? null,
            everyCount: spec.every.count,
            everyUnit: spec.every.unit,
            startsOn,
            nextOn: addMonthsUtc(startsOn, k * spec.every.count),
            assigneeId: spec.assignee,
            description: spec.description,
            durationMinutes: spec.durationMinutes,
            createdById: spec.farm === "GVD" ? manager : admin,
            createdAt: at(daysFromToday(startsOn) - 20, 10),
          },
        });
        summary.plans++;
        const covered = spec.target.deviceId
          ? [device(spec.target.deviceId)]
          : spec.target.groupCode
            ? fleet.filter((d) => d.groupId === groups.get(spec.target.groupCode!))
            : ofFarm(spec.farm, spec.target.deviceType!);
        for (const [index, date] of dates.entries()) {
          for (const d of covered) {
            const on = daysFromToday(date);
            await each({ planId: created.id, device: d, on, index, pivot: on === spec.pivotDay, future: on > 0 || (on === 0 && spec.pivotDay === 0) });
          }
        }
        return created.id;
      };

      // Quarterly milk-meter calibration of each parlour. Green Valley's is in 12 days (its meters are
      // due), Hillside's in 40 and Riverbend's in 25 (theirs ok); the earlier ones were done.
      const parlours = [
        { farm: "GVD", pivotDay: 12, assignee: tech as number | null, performer: tech, notes: undefined as string | undefined },
        { farm: "HMF", pivotDay: 40, assignee: null, performer: admin, notes: "FlowSense service contract visit" },
        { farm: "RBC", pivotDay: 25, assignee: null, performer: admin, notes: "FlowSense service contract visit" },
      ];
      for (const parlour of parlours) {
        await plan(
          {
            farm: parlour.farm,
            name: "Quarterly milk-meter calibration",
            type: "calibration",
            scope: "group",
            target: { groupCode: `${parlour.farm}-PARLOUR` },
            every: { count: 3, unit: "months" },
            pivotDay: parlour.pivotDay,
            history: 4,
            assignee: parlour.assignee,
            description: "Check every meter of the parlour against the 10 L test can; adjust the flow factor when it is off by more than 2 %.",
            durationMinutes: 30,
          },
          async ({ planId, device: d, on, index, future }) => {
            if (future) {
              await work({ device: d, type: "calibration", on, status: "scheduled", planId, assignee: parlour.assignee, description: "Quarterly milk-meter calibration" });
              return;
            }
            // MM002 failed the check two quarters ago; cleaned and checked again two days later.
            const failedFirst = d.deviceId === "MM002" && index === 2;
            const row = await calibrationWork({
              device: d,
              type: "calibration",
              on,
              status: "done",
              planId,
              performer: parlour.performer,
              assignee: parlour.assignee,
              description: "Quarterly milk-meter calibration",
              notes: failedFirst ? "Out of tolerance after adjustment: flow chamber scaled. Cleaning booked." : parlour.notes,
              minutes: failedFirst ? 45 : 25 + (d.id % 3) * 5,
              late: d.id % 2,
              passed: !failedFirst,
              calibrationNotes: failedFirst ? "Reads high even after adjustment" : undefined,
            });
            if (failedFirst) {
              const again = await work({
                device: d,
                type: "cleaning",
                on: on + 2,
                status: "done",
                performer: tech,
                description: "Descale the flow chamber of MM002 (failed calibration)",
                parts: [{ name: "Descaling agent 1 L", partNumber: "FS-DS-1", quantity: 1, unitCost: 14.5 }],
                minutes: 50,
                hour: 14,
              });
              await calibrate(d, new Date(again.performedAt!.getTime() + 20 * 60_000), { maintenanceId: again.id, performer: tech, notes: `Passed after descaling (calibration work #${row.id} failed)` });
            }
          },
        );
      }

      // Half-yearly air-sensor calibration at Green Valley: the last round was three days ago; ES004
      // was skipped (Barn B closed for hoof trimming) and is overdue.
      await plan(
        {
          farm: "GVD",
          name: "Half-yearly inspection and calibration of barn air sensors",
          type: "calibration",
          scope: "device_type",
          target: { deviceType: "environmental" },
          every: { count: 6, unit: "months" },
          pivotDay: -3,
          history: 1,
          assignee: tech,
          description: "Clean the inlet filter, check the housing, and calibrate NH3 with 25 ppm test gas (tolerance ±1.5 ppm).",
          durationMinutes: 40,
        },
        async ({ planId, device: d, on, index }) => {
          if (index === 1 && d.deviceId === "ES004") {
            await work({ device: d, type: "calibration", on, status: "overdue", planId, assignee: tech, description: "Half-yearly inspection and calibration", notes: "Barn B closed for hoof trimming that day" });
            return;
          }
          await calibrationWork({
            device: d,
            type: "calibration",
            on,
            status: "done",
            planId,
            performer: tech,
            assignee: tech,
            description: "Half-yearly inspection and calibration",
            parts: [{ name: "Inlet dust filter", partNumber: "BA-F3", quantity: 1, unitCost: 6.8 }],
            minutes: 35 + (d.id % 4) * 5,
            late: on < -30 ? d.id % 2 : 0,
          });
        },
      );

      // Monthly inspection of Green Valley's gateway: today's is on the technician's list.
      await plan(
        {
          farm: "GVD",
          name: "Monthly gateway inspection",
          type: "inspection",
          scope: "device",
          target: { deviceId: "GW001" },
          every: { count: 1, unit: "months" },
          pivotDay: 0,
          history: 12,
          assignee: tech,
          description: "Check the cellular signal and backhaul, the UPS battery, the cabinet's seals and the LoRa antenna cable.",
          durationMinutes: 20,
        },
        async ({ planId, device: d, on, index, future }) => {
          if (future) {
            await work({ device: d, type: "inspection", on, status: "scheduled", planId, assignee: tech, description: "Monthly gateway inspection" });
            return;
          }
          const upsSwap = index === 7;
          await work({
            device: d,
            type: "inspection",
            on,
            status: "done",
            planId,
            performer: tech,
            description: "Monthly gateway inspection",
            notes: upsSwap ? "UPS battery held 4 minutes instead of 30: replaced." : index === 3 ? "Antenna cable chewed (rats): re-routed in conduit." : "All in order.",
            parts: upsSwap ? [{ name: "UPS battery 12 V 7 Ah", partNumber: "UPS-127", quantity: 1, unitCost: 29.9 }] : index === 3 ? [{ name: "Cable conduit 2 m", quantity: 1, unitCost: 8.4 }] : [],
            minutes: upsSwap ? 40 : 15 + (index % 3) * 5,
          });
        },
      );

      // Yearly collar battery check: Green Valley's in 10 days; Hillside's was six days ago, two collars
      // were out at pasture and are overdue.
      for (const herd of [
        { farm: "GVD", pivotDay: 10, assignee: tech, performer: tech },
        { farm: "HMF", pivotDay: -6, assignee: admin, performer: admin },
      ]) {
        await plan(
          {
            farm: herd.farm,
            name: "Yearly collar battery check",
            type: "battery_replacement",
            scope: "group",
            target: { groupCode: `${herd.farm}-HERD` },
            every: { count: 12, unit: "months" },
            pivotDay: herd.pivotDay,
            history: 1,
            assignee: herd.assignee,
            description: "Swap the battery pack of every collar and check the strap and the housing seal.",
            durationMinutes: 15,
          },
          async ({ planId, device: d, on, future }) => {
            if (future) {
              await work({ device: d, type: "battery_replacement", on, status: "scheduled", planId, assignee: herd.assignee, description: "Yearly collar battery check" });
              return;
            }
            if (on > -30 && (d.deviceId === "AC107" || d.deviceId === "AC108")) {
              await work({ device: d, type: "battery_replacement", on, status: "overdue", planId, assignee: herd.assignee, description: "Yearly collar battery check", notes: "Cow out at the summer pasture" });
              return;
            }
            await work({
              device: d,
              type: "battery_replacement",
              on,
              status: "done",
              planId,
              performer: herd.performer,
              assignee: herd.assignee,
              description: "Yearly collar battery check",
              parts: [{ name: "Collar battery pack 3.6 V Li-SOCl2", partNumber: "HP-BAT-2", quantity: 1, unitCost: 24.5 }],
              minutes: 12 + (d.id % 3) * 3,
            });
          },
        );
      }

      // ---------------------------------------------------- a year of hand-recorded work
      for (const code of ["GVD", "HMF", "RBC"]) {
        const performer = code === "GVD" ? tech : admin;
        const created = code === "GVD" ? manager : admin;
        const shift = code === "GVD" ? 0 : code === "HMF" ? 11 : 23;
        const record = (w: Omit<Parameters<typeof work>[0], "status" | "performer" | "createdBy">) => work({ ...w, status: "done", performer, createdBy: created });

        for (const d of ofFarm(code, "milk_meter")) {
          for (const on of [-280 + shift, -100 + shift]) {
            await record({ device: d, type: "cleaning", on, description: "Half-yearly deep clean of the flow chamber and the sample valve", parts: [{ name: "Sample valve O-ring set", partNumber: "FS-OR-4", quantity: 1, unitCost: 7.2 }], minutes: 20 });
          }
        }
        for (const [i, d] of ofFarm(code, "gate").entries()) {
          for (const on of [-350, -260, -170, -80]) {
            await record({ device: d, type: "preventive", on: on + shift + i, description: "Quarterly lubrication of the gate arm and hinge check", parts: [{ name: "Grease cartridge", partNumber: "GW-G1", quantity: 1, unitCost: 11.9 }], minutes: 30 });
          }
        }
        for (const [i, d] of ofFarm(code, "feeder").entries()) {
          for (const on of [-300, -210, -120, -30]) {
            await record({ device: d, type: "cleaning", on: on + shift + i, description: "Clean the feed hopper and the auger housing", minutes: 45 });
          }
        }
        for (const d of ofFarm(code, "waterer")) {
          for (let on = -330; on < 0; on += 60) await record({ device: d, type: "cleaning", on: on + shift, description: "Clean the trough and the float valve", minutes: 25 });
        }
        for (const d of ofFarm(code, "rfid_reader")) {
          for (const on of [-250, -70]) await record({ device: d, type: "inspection", on: on + shift, description: "Read-rate check with the test tag set; clean the antenna panel", minutes: 20 });
        }
        if (code !== "GVD") {
          for (const on of [-330, -240, -150, -60]) {
            await record({ device: ofFarm(code, "gateway")[0]!, type: "inspection", on: on + shift, description: "Quarterly gateway inspection", notes: "All in order.", minutes: 20 });
          }
        }
      }

      // Calibrations recorded by hand (no plan): probes and waterers yearly, feeders and the other
      // farms' air sensors half-yearly. Days ago of each device's calibrations, oldest first.
      const handCalibrations: [string, number[]][] = [
        ["TS001", [-200]], ["TS002", [-300]], ["TS003", [-358]],
        ["TS101", [-150]], ["TS102", [-160]], ["TS103", [-170]],
        ["TS201", [-40]], ["TS202", [-45]], ["TS203", [-50]],
        ["FD001", [-200, -20]], ["FD002", [-199, -19]],
        ["FD101", [-192]], ["FD102", [-240, -60]],
        ["FD201", [-270, -90]], ["FD202", [-275, -95]],
        ["WD001", [-130]], ["WD101", [-210]], ["WD201", [-300]],
        ...ofFarm("HMF", "environmental").map((d): [string, number[]] => [d.deviceId, [-280, -100]]),
        ...ofFarm("RBC", "environmental").map((d): [string, number[]] => [d.deviceId, [-330, -150]]),
      ];
      for (const [deviceId, days] of handCalibrations) {
        const d = device(deviceId);
        const performer = d.farmCode === "GVD" ? tech : admin;
        for (const on of days) {
          await calibrationWork({
            device: d,
            type: "calibration",
            on,
            status: "done",
            performer,
            createdBy: d.farmCode === "GVD" ? manager : admin,
            description: d.deviceType === "feeder" ? "Auger calibration with the 20 kg check weight" : d.deviceType === "environmental" ? "Half-yearly calibration" : "Yearly calibration",
            minutes: d.deviceType === "feeder" ? 60 : 30,
          });
        }
      }
      // FD101 missed its half-yearly calibration: booked twelve days ago, not done.
      await work({ device: device("FD101"), type: "calibration", on: -12, status: "overdue", assignee: admin, createdBy: admin, description: "Half-yearly auger calibration" });

      // Repairs and battery swaps over the year.
      await work({ device: device("ES002"), type: "part_replacement", on: -40, status: "done", performer: tech, description: "Replace the ammonia sensing cell (readings stuck at 0 ppm)", parts: [{ name: "NH3 sensing cell", partNumber: "BA-NH3-C", quantity: 1, unitCost: 68 }], minutes: 35 });
      await calibrate(device("ES002"), at(-40, 15, 30), { performer: tech, notes: "After replacing the sensing cell" });
      await work({ device: device("TS002"), type: "battery_replacement", on: -120, status: "done", performer: tech, description: "Battery swap (low battery alert)", parts: [{ name: "Lithium cell 3.6 V AA", partNumber: "TT-BAT", quantity: 1, unitCost: 12 }], minutes: 10 });
      await work({ device: device("ES005"), type: "battery_replacement", on: -95, status: "done", performer: tech, description: "Battery swap (low battery alert)", parts: [{ name: "Battery pack 2 × 3.6 V", partNumber: "BA-BAT-2", quantity: 1, unitCost: 21 }], minutes: 15 });
      await work({ device: device("GT101"), type: "corrective", on: -140, status: "done", performer: admin, createdBy: admin, description: "Gate arm stops half way: replace the drive motor", parts: [{ name: "Gate drive motor 24 V", partNumber: "GW-M24", quantity: 1, unitCost: 310 }], minutes: 120 });
      await work({ device: device("MM204"), type: "corrective", on: -210, status: "done", performer: admin, createdBy: admin, description: "Display blank: reseat the display ribbon cable", minutes: 40 });
      await work({ device: device("RF001"), type: "corrective", on: -60, status: "cancelled", assignee: tech, description: "Tags not read at the parlour entrance", cancelReason: "Cleared itself after the reader restarted: nothing to do" });

      // MM005's flow sensor failed: replaced under warranty (claim closed, cost covered) and the new meter calibrated.
      const mm005 = device("MM005");
      const failure = await work({
        device: mm005,
        type: "corrective",
        on: -52,
        status: "done",
        performer: tech,
        description: "Flow sensor reads 0 L at every milking: swap the meter for the supplier's replacement",
        notes: "Sent back under RMA-FS-240917; replacement MM-400 fitted in the same stall.",
        minutes: 90,
      });
      const replacementCalibration = await work({ device: mm005, type: "calibration", on: -38, status: "done", performer: tech, description: "Calibrate the replacement meter", minutes: 30 });
      await calibrate(mm005, replacementCalibration.performedAt!, { maintenanceId: replacementCalibration.id, performer: tech, notes: "Replacement meter, first calibration" });
      // Numbered as the claims module numbers them: WC- and the row's id, taken from its sequence first.
      const claimId = async () => (await tx.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('warranty_claims', 'id'))::int AS id`)[0]!.id;
      const closedId = await claimId();
      await tx.warrantyClaim.create({
        data: {
          id: closedId,
          claimNumber: `WC-${String(closedId).padStart(6, "0")}`,
          deviceId: mm005.id,
          farmId: mm005.farmId,
          maintenanceId: failure.id,
          issueType: "hardware_failure",
          issueDescription: "Flow sensor reads 0 L at every milking since the morning of the failure; cleaning and a restart did not help.",
          status: "closed",
          rmaNumber: "RMA-FS-240917",
          resolution: "replaced",
          resolutionNotes: "FlowSense shipped a replacement MM-400; fitted and calibrated.",
          costCovered: ASSET.milk_meter.unitCost.toFixed(2),
          filedAt: at(-53, 8, 15),
          filedById: manager,
          submittedAt: at(-53, 11, 0),
          closedAt: at(-38, 16, 0),
          closedById: manager,
          updatedAt: at(-38, 16, 0),
        },
      });
      // AC004's step counter drops out: inspected a week ago, claim sent to HerdPulse, awaiting their answer.
      const ac004 = device("AC004");
      const inspection = await work({
        device: ac004,
        type: "inspection",
        on: -7,
        status: "done",
        performer: tech,
        description: "Step count zero for hours at a time",
        notes: "Rumination fine, activity sensor drops out when the collar is cold. Warranty claim filed.",
        minutes: 25,
      });
      const openId = await claimId();
      await tx.warrantyClaim.create({
        data: {
          id: openId,
          claimNumber: `WC-${String(openId).padStart(6, "0")}`,
          deviceId: ac004.id,
          farmId: ac004.farmId,
          maintenanceId: inspection.id,
          issueType: "sensor_failure",
          issueDescription: "Activity (step) sensor reports zero for hours at a time, mostly at night; rumination data unaffected.",
          status: "submitted",
          rmaNumber: "RMA-HP-31842",
          filedAt: at(-6, 9, 30),
          filedById: manager,
          submittedAt: at(-5, 14, 10),
          updatedAt: at(-5, 14, 10),
        },
      });
      summary.claims = 2;

      // On today's list, beside the gateway inspection, and in the coming days.
      await work({ device: device("MM004"), type: "cleaning", on: 0, status: "scheduled", assignee: tech, description: "Conductivity drifting on MM004: clean the electrodes and check the sample valve" });
      await work({ device: device("FD002"), type: "part_replacement", on: 4, status: "scheduled", assignee: tech, description: "Replace the auger bearing (grinding noise)" });
      await work({ device: device("GT001"), type: "preventive", on: 16, status: "scheduled", assignee: tech, description: "Quarterly lubrication of the gate arm and hinge check" });

      // The device's calibration fields, as the rules say for today.
      for (const d of fleet) {
        const interval = CALIBRATION_INTERVAL_DAYS[d.deviceType];
        const last = newest.get(d.id);
        await tx.device.update({
          where: { id: d.id },
          data: {
            lastCalibration: last?.performedAt ?? null,
            nextCalibrationDue: last?.nextDueOn ?? null,
            calibrationIntervalDays: null,
            calibrationStatus: calibrationStatusOn(last?.nextDueOn ?? null, interval, now),
          },
        });
      }

      // ------------------------------------------------------------ spares in stock and a past transfer
      for (const spare of STOCK) {
        const farmId = farms.get(spare.farm)!;
        const model = fleet.find((d) => d.deviceType === spare.type)!;
        const template = await tx.device.findUniqueOrThrow({
          where: { id: model.id },
          select: { manufacturer: true, model: true, hardwareVersion: true, firmwareVersion: true, firmwareId: true, powerSource: true, connectionType: true },
        });
        const deviceId = stockId(spare.farm, spare.type, spare.number);
        const purchaseDate = day(-spare.boughtDaysAgo);
        const buyer = "boughtBy" in spare ? spare.boughtBy : spare.farm;
        const interval = CALIBRATION_INTERVAL_DAYS[spare.type];
        // Calibrated at the factory (its certificate is the first calibration record).
        const factoryCalibration = new Date(purchaseDate.getTime() - 7 * DAY + 15 * 3_600_000);
        const factoryDue = interval === null ? null : nextCalibrationDate(factoryCalibration, interval);
        const created = await tx.device.create({
          data: {
            deviceId,
            name: `Spare ${template.model} ${deviceId}`,
            deviceType: spare.type,
            state: "registered",
            farmId: buyer === spare.farm ? farmId : farms.get(buyer)!,
            manufacturer: template.manufacturer,
            model: template.model,
            serialNumber: `${(template.manufacturer ?? "XX").slice(0, 2).toUpperCase()}S${String(90_000 + spare.number * 10 + ["GVD", "HMF", "RBC"].indexOf(spare.farm)).padStart(6, "0")}`,
            hardwareVersion: template.hardwareVersion,
            firmwareVersion: template.firmwareVersion,
            firmwareId: template.firmwareId,
            powerSource: template.powerSource,
            connectionType: template.connectionType,
            storageLocation: spare.farm === buyer ? spare.location : "Workshop, cabinet 2",
            locationDescription: null,
            calibrationStatus: calibrationStatusOn(factoryDue, interval, now),
            lastCalibration: interval === null ? null : factoryCalibration,
            nextCalibrationDue: factoryDue,
            supplier: ASSET[spare.type].supplier,
            purchaseOrder: buyer === "HMF" ? "PO-HMF-2026-018" : "PO-GVD-2026-022",
            purchaseDate,
            unitCost: ASSET[spare.type].unitCost.toFixed(2),
            depreciationMonths: ASSET[spare.type].depreciationMonths,
            warrantyStart: purchaseDate,
            warrantyEnd: warrantyEndOf(purchaseDate),
            warrantyTerms: WARRANTY_TERMS,
            createdAt: at(-spare.boughtDaysAgo, 13),
          },
        });
        if (interval !== null) {
          await tx.calibration.create({
            data: {
              deviceId: created.id,
              farmId: created.farmId,
              method: "manual",
              reference: "Factory test bench",
              passed: true,
              notes: `Factory calibration certificate ${template.manufacturer?.slice(0, 2).toUpperCase()}-CAL-${deviceId}`,
              performedAt: factoryCalibration,
              nextDueOn: factoryDue,
              createdAt: at(-spare.boughtDaysAgo, 13),
            },
          });
          summary.calibrations++;
        }
        if (buyer !== spare.farm) {
          // Bought by Hillside; moved to Green Valley's store when Green Valley had no spare meter left.
          await tx.device.update({ where: { id: created.id }, data: { farmId, storageLocation: spare.location, updatedAt: at(-45, 14) } });
          await tx.deviceTransfer.create({
            data: {
              deviceId: created.id,
              fromFarmId: farms.get(buyer)!,
              toFarmId: farmId,
              fromLocation: "Workshop, cabinet 2",
              toLocation: spare.location,
              reason: "Green Valley had no spare milk meter after MM005's failure",
              transferredById: admin,
              transferredAt: at(-45, 14),
            },
          });
        }
        summary.stock++;
      }

      // The earliest open work of each device, as the device page's "next maintenance" shows it.
      await tx.$executeRaw`
        UPDATE devices d SET next_maintenance_date = m.next
          FROM (SELECT device_id, min(scheduled_date) AS next FROM maintenances WHERE status IN ('scheduled', 'in_progress', 'overdue') GROUP BY device_id) m
         WHERE m.device_id = d.id`;

      // ------------------------------------------------------------ 12 months of usage counters
      const monthStart = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
      const elapsedShare = (now.getTime() - monthStart(0).getTime()) / (monthStart(1).getTime() - monthStart(0).getTime());
      const latestBattery = new Map(
        (
          await tx.$queryRaw<{ device_id: number; battery_level: number | null }[]>`
            SELECT DISTINCT ON (device_id) device_id, battery_level FROM telemetry_samples
             WHERE device_id = ANY(${fleet.map((d) => d.id)}::int[]) ORDER BY device_id, ts DESC`
        ).map((row) => [row.device_id, row.battery_level]),
      );
      const swaps = await tx.maintenance.findMany({ where: { status: "done", maintenanceType: "battery_replacement" }, select: { deviceId: true, performedAt: true } });
      const usage: Prisma.DeviceUsageMonthCreateManyInput[] = [];
      for (const d of fleet) {
        const perMonth = MONTHLY_MB[d.deviceType] * 1_048_576 * between(0.85, 1.15);
        const drain = DRAIN_PER_MONTH[d.deviceType];
        const onBattery = d.powerSource === "battery" || d.powerSource === "solar";
        const swapsOf = swaps.filter((swap) => swap.deviceId === d.id).map((swap) => swap.performedAt!.getTime());
        const batteryAt = (time: number) => {
          if (!onBattery || drain === undefined) return null;
          const since = Math.max(d.provisioningDate?.getTime() ?? time, ...swapsOf.filter((swap) => swap <= time));
          return round(Math.max(6, 100 - (drain * Math.max(0, time - since)) / (30 * DAY)), 1);
        };
        let counter = BigInt(Math.round(perMonth * 0.6));
        for (let offset = -11; offset <= 0; offset++) {
          const start = monthStart(offset);
          const share = offset === 0 ? elapsedShare : 1;
          // a little growth over the year (more samples once every barn was on), ±10 % month to month
          const bytes = BigInt(Math.round(perMonth * (0.9 + 0.01 * (offset + 11)) * between(0.9, 1.1) * share));
          const end = offset === 0 ? now.getTime() : monthStart(offset + 1).getTime() - 1;
          const batteryEnd = offset === 0 && latestBattery.has(d.id) ? latestBattery.get(d.id)! : batteryAt(end);
          usage.push({
            deviceId: d.id,
            month: start,
            farmId: d.farmId,
            bytesStart: counter,
            bytesEnd: counter + bytes,
            batteryStart: batteryAt(start.getTime()),
            batteryEnd: onBattery ? batteryEnd : null,
            updatedAt: offset === 0 ? now : new Date(end),
          });
          counter += bytes;
        }
        await tx.device.update({ where: { id: d.id }, data: { dataTransmittedBytes: counter } });
      }
      await tx.deviceUsageMonth.createMany({ data: usage });
      summary.usageMonths = usage.length;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
  const overdue = await db.maintenance.groupBy({ by: ["deviceId"], where: { status: "overdue" }, _count: { _all: true } });
  await syncOverdueAlerts(prismaSql(db), { now, turned: new Map(overdue.map((row) => [row.deviceId, row._count._all])) });
  return summary;
}

/** What each calibrated type is checked against. */
const READINGS: Partial<Record<DeviceTypeName, { reference_label: string; reference: number; unit: string; tolerance: number }>> = {
  milk_meter: { reference_label: "10 L test can (certified)", reference: 10, unit: "L", tolerance: 0.2 },
  environmental: { reference_label: "NH3 25 ppm test gas", reference: 25, unit: "ppm", tolerance: 1.5 },
  temperature: { reference_label: "Ice-point bath 0.0 °C", reference: 0, unit: "°C", tolerance: 0.3 },
  feeder: { reference_label: "20 kg check weight", reference: 20, unit: "kg", tolerance: 0.4 },
  waterer: { reference_label: "10 L flow test", reference: 10, unit: "L", tolerance: 0.3 },
};
