import type { Metadata } from "next";
import Link from "next/link";
import { ScheduleUpdateForm, type InitialTarget } from "@/components/ota/schedule-update-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { schedulableFirmware } from "@/lib/ota/update-job-views";

export const metadata: Metadata = { title: "Schedule a firmware update" };
export const dynamic = "force-dynamic";

/** List-only parameters of a devices-list URL: they change the page, not which devices match. */
const NOT_FILTERS = new Set(["sort", "dir", "page", "pageSize", "groupBy"]);

/**
 * Where the wizard was opened from: the device page (`?devices=MM001`), the list's selection
 * (`?devices=MM001,MM002`), a group (`?group=3`) or the list's filter (`?filter=type%3Dcollar`).
 */
function initialTarget(raw: Record<string, string | string[] | undefined>): InitialTarget {
  const one = (key: string) => (Array.isArray(raw[key]) ? raw[key]![0] : raw[key]) as string | undefined;
  const devices = one("devices");
  if (devices) return { mode: "devices", deviceIds: devices.split(/[\s,;]+/).map((id) => id.trim().toUpperCase()).filter(Boolean).join(", ") };
  const group = one("group");
  if (group) return { mode: "group", groupId: group };
  const filter = one("filter");
  if (filter) {
    const params = new URLSearchParams(filter);
    for (const key of NOT_FILTERS) params.delete(key);
    return { mode: "filter", filter: params.toString() };
  }
  return { mode: "devices", deviceIds: "" };
}

export default async function NewUpdatePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("ota.schedule");
  const db = getDb();
  const [firmware, options] = await Promise.all([schedulableFirmware(db), readDeviceListOptions(db, actor)]);
  const target = initialTarget(await searchParams);
  return (
    <>
      <PageHeader title="Schedule a firmware update" description="Pick the devices and the version, when it may run, and how carefully it rolls out. Nothing is sent before you confirm." />
      {firmware.length === 0 ? (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          No firmware version can be sent yet: upload a binary on the{" "}
          <Link href="/firmware" className="underline">
            Firmware
          </Link>{" "}
          page and move it to testing or stable.
        </p>
      ) : null}
      <ScheduleUpdateForm
        initialTarget={target}
        firmware={firmware.map((version) => ({
          id: version.id,
          label: `${version.version} — ${DEVICE_TYPE_LABEL[version.deviceType as DeviceTypeName] ?? version.deviceType} (${version.state}${version.isMandatory ? ", mandatory" : ""})`,
          deviceType: version.deviceType,
          version: version.version,
        }))}
        groups={options.groups.map((group) => ({ id: group.id, label: group.label }))}
        typeLabels={DEVICE_TYPE_LABEL}
      />
    </>
  );
}
