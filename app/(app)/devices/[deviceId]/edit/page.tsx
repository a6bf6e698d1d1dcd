import type { Metadata } from "next";
import Link from "next/link";
import { DeviceEditForm, type DeviceFormValues, type GroupOption } from "@/components/devices/device-edit-form";
import { dateInputValue } from "@/components/devices/device-values";
import { EmptyState } from "@/components/ui/empty-state";
import { farmScope, type Actor } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb, type Db } from "@/lib/db";
import type { DeviceDetail } from "@/lib/devices/device-detail";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { editableStates } from "@/lib/devices/lifecycle";
import { visibleFarms } from "@/lib/farms/farm-scope";
import { loadDevice } from "../load-device";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ deviceId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${decodeURIComponent((await params).deviceId)}` };
}


/**
 * Groups the person may put this device in: active, of a type filter that admits it, of their farm
 * or cross-farm. The form narrows them to the farm picked (group-rules `groupRefusal`). The
 * device's current group is always offered, so saving other fields never drops it.
 */
async function groupOptions(db: Db, actor: Actor, device: DeviceDetail): Promise<GroupOption[]> {
  const scope = farmScope(actor);
  const groups = await db.deviceGroup.findMany({
    where: {
      OR: [
        {
          AND: [
            { active: true },
            { OR: [{ deviceTypeFilter: null }, { deviceTypeFilter: device.deviceType }] },
            scope === null ? {} : { OR: [{ farmId: null }, { farmId: scope }] },
          ],
        },
        ...(device.groupId ? [{ id: device.groupId }] : []),
      ],
    },
    orderBy: [{ sequence: "asc" }, { name: "asc" }],
    select: { id: true, name: true, farmId: true, deviceTypeFilter: true, active: true, parent: { select: { name: true } }, farm: { select: { code: true } } },
  });
  return groups.map((group) => ({
    id: group.id,
    name: group.name,
    farmId: group.farmId,
    deviceTypeFilter: group.deviceTypeFilter,
    label: `${group.parent ? `${group.parent.name} › ` : ""}${group.name}${group.farm ? "" : " (all farms)"}${group.active ? "" : " — archived"}`,
  }));
}

function formValues(device: DeviceDetail): DeviceFormValues {
  const text = (value: string | number | null) => (value === null ? "" : String(value));
  return {
    name: device.name,
    farmId: String(device.farmId),
    state: device.state,
    manufacturer: text(device.manufacturer),
    model: text(device.model),
    serialNumber: text(device.serialNumber),
    macAddress: text(device.macAddress),
    hardwareVersion: text(device.hardwareVersion),
    locationDescription: text(device.locationDescription),
    latitude: text(device.latitude),
    longitude: text(device.longitude),
    powerSource: device.powerSource,
    lowBatteryThreshold: text(device.lowBatteryThreshold),
    connectionType: text(device.connectionType),
    ssid: text(device.ssid),
    healthCheckInterval: text(device.healthCheckInterval),
    calibrationStatus: device.calibrationStatus,
    lastCalibration: dateInputValue(device.lastCalibration),
    groupId: text(device.groupId),
    tagIds: device.tags.map((tag) => tag.id),
    maintenanceNotes: text(device.maintenanceNotes),
    nextMaintenanceDate: dateInputValue(device.nextMaintenanceDate),
    purchaseDate: dateInputValue(device.purchaseDate),
    warrantyEnd: dateInputValue(device.warrantyEnd),
    unitCost: device.unitCost === null ? "" : device.unitCost.toString(),
  };
}

export default async function EditDevicePage({ params }: Props) {
  const actor = await requirePageActor("devices.write");
  const db = getDb();
  const device = await loadDevice(db, actor, (await params).deviceId);
  const back = (
    <Link href={`/devices/${device.deviceId}`} className="text-sm text-brand-700 hover:underline">
      ← {device.deviceId} {device.name}
    </Link>
  );

  if (device.state === "decommissioned") {
    return (
      <div className="space-y-4">
        {back}
        <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Edit {device.name}</h1>
        <EmptyState title="This device is retired">Its record is kept read-only with its history; it can no longer be edited.</EmptyState>
      </div>
    );
  }

  const [farms, groups, tags] = await Promise.all([
    visibleFarms(actor),
    groupOptions(db, actor, device),
    db.deviceTag.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, color: true } }),
  ]);

  return (
    <div className="mx-auto max-w-4xl space-y-4">
      {back}
      <div>
        <h1 className="text-2xl font-semibold tracking-tight break-words text-stone-900">Edit {device.name}</h1>
        <p className="mt-1 text-sm text-stone-600">
          <span className="font-mono text-xs">{device.deviceId}</span> · {DEVICE_TYPE_LABEL[device.deviceType]} · {device.farm.name}
        </p>
      </div>
      <DeviceEditForm
        device={{ deviceId: device.deviceId, deviceType: device.deviceType, farmId: device.farmId }}
        values={formValues(device)}
        stateOptions={editableStates(device.state)}
        farms={farms.map((farm) => ({ id: farm.id, name: farm.name }))}
        groups={groups}
        tags={tags}
      />
    </div>
  );
}
