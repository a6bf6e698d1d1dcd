/**
 * The devices list as a CSV file: the ticked devices or the whole filtered set, streamed in
 * batches so a hundred thousand rows never sit in memory at once. The first columns are those of
 * the import template (M92 `iot.device.import.wizard`), so an export can be edited and re-imported.
 */
import { stringify } from "csv-stringify/sync";
import type { Prisma } from "@prisma/client";
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import type { Db } from "../db";
import { deviceWhere } from "./device-list";
import type { DeviceFilter } from "./device-schemas";

const BATCH = 2000;

export const EXPORT_COLUMNS = [
  "device_id",
  "name",
  "device_type",
  "farm_code",
  "manufacturer",
  "model",
  "serial_number",
  "mac_address",
  "location",
  "state",
  "group_code",
  "tags",
  "firmware_version",
  "health_status",
  "health_score",
  "needs_attention",
  "connection_status",
  "battery_level",
  "signal_strength",
  "last_seen",
  "maintenance_mode",
] as const;

const SELECT = {
  deviceId: true,
  name: true,
  deviceType: true,
  farm: { select: { code: true } },
  manufacturer: true,
  model: true,
  serialNumber: true,
  macAddress: true,
  locationDescription: true,
  state: true,
  group: { select: { code: true } },
  tags: { select: { tag: { select: { name: true } } } },
  firmwareVersion: true,
  healthStatus: true,
  healthScore: true,
  needsAttention: true,
  connectionStatus: true,
  batteryLevel: true,
  signalStrength: true,
  lastSeen: true,
  maintenanceMode: true,
} satisfies Prisma.DeviceSelect;

type Row = Prisma.DeviceGetPayload<{ select: typeof SELECT }>;

/**
 * A cell that starts like a formula (=, +, -, @) is prefixed with an apostrophe, so a device name
 * typed by someone cannot run as a formula in the spreadsheet of whoever opens the export.
 */
export function spreadsheetSafe(value: string | number | null): string | number | null {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function toRecord(row: Row): (string | number | null)[] {
  return [
    row.deviceId,
    row.name,
    row.deviceType,
    row.farm.code,
    row.manufacturer,
    row.model,
    row.serialNumber,
    row.macAddress,
    row.locationDescription,
    row.state,
    row.group?.code ?? null,
    row.tags.map((link) => link.tag.name).join("|"),
    row.firmwareVersion,
    row.healthStatus,
    row.healthStatus === "unknown" ? null : Math.round(row.healthScore),
    row.needsAttention ? "yes" : "no",
    row.connectionStatus,
    row.batteryLevel,
    row.signalStrength,
    row.lastSeen?.toISOString() ?? null,
    row.maintenanceMode ? "yes" : "no",
  ].map(spreadsheetSafe);
}

export type ExportTarget = { filter: DeviceFilter } | { deviceIds: string[] };

export async function exportDevicesCsv(db: Db, actor: Actor, target: ExportTarget): Promise<ReadableStream<Uint8Array>> {
  const scope = farmScope(actor);
  const where: Prisma.DeviceWhereInput =
    "deviceIds" in target ? { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) } : await deviceWhere(db, actor, target.filter);
  const encoder = new TextEncoder();
  let after: string | null = null;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          // A BOM so that spreadsheet programs read the names' accents as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${stringify([[...EXPORT_COLUMNS]])}`));
          return;
        }
        const rows: Row[] = await db.device.findMany({
          where: after === null ? where : { AND: [where, { deviceId: { gt: after } }] },
          orderBy: { deviceId: "asc" },
          take: BATCH,
          select: SELECT,
        });
        if (rows.length) controller.enqueue(encoder.encode(stringify(rows.map(toRecord))));
        if (rows.length < BATCH) controller.close();
        else after = rows[rows.length - 1]!.deviceId;
      } catch (error) {
        controller.error(error);
      }
    },
  });
}
