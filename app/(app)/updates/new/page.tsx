import type { Metadata } from "next";
import Link from "next/link";
import { ConfigCampaignForm } from "@/components/configuration/config-campaign-form";
import { ScheduleUpdateForm, type InitialTarget } from "@/components/ota/schedule-update-form";
import { can } from "@/lib/auth/permissions";
import { CONFIG_DEVICE_TYPES, isConfigDeviceType } from "@/lib/configuration/config-schemas";
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
  const raw = await searchParams;
  const target = initialTarget(raw);
  const mayConfigure = can(actor.role, "config.manage");
  const kind = raw.kind === "configuration" && mayConfigure ? "configuration" : "firmware";
  // what the wizard sends: a firmware version, or a configuration change (a configuration campaign)
  const kindSwitch = mayConfigure ? (
    <nav aria-label="What to send" className="mb-4 inline-flex rounded-md border border-stone-300 bg-white p-0.5 text-sm">
      {(["firmware", "configuration"] as const).map((option) => {
        const params = new URLSearchParams(Object.entries(raw).flatMap(([key, value]) => (key === "kind" || value === undefined ? [] : [[key, Array.isArray(value) ? value[0]! : value]])));
        if (option === "configuration") params.set("kind", "configuration");
        return (
          <Link key={option} href={`/updates/new${params.size ? `?${params}` : ""}`} aria-current={kind === option ? "page" : undefined} className={`rounded px-3 py-1 ${kind === option ? "bg-stone-800 text-white" : "text-stone-700 hover:bg-stone-100"}`}>
            {option === "firmware" ? "Firmware update" : "Configuration change"}
          </Link>
        );
      })}
    </nav>
  ) : null;
  if (kind === "configuration") {
    const options = await readDeviceListOptions(db, actor);
    const asked = Array.isArray(raw.type) ? raw.type[0] : raw.type;
    return (
      <>
        <PageHeader title="Change configuration" description="Pick the devices and the settings that change, then how carefully it rolls out. Devices confirm each new version; nothing is sent before you confirm." />
        {kindSwitch}
        <ConfigCampaignForm
          initialTarget={target}
          initialType={asked && isConfigDeviceType(asked) ? asked : "environmental"}
          types={CONFIG_DEVICE_TYPES}
          groups={options.groups.map((group) => ({ id: group.id, label: group.label }))}
          typeLabels={DEVICE_TYPE_LABEL}
        />
      </>
    );
  }
  const [firmware, options] = await Promise.all([schedulableFirmware(db), readDeviceListOptions(db, actor)]);
  return (
    <>
      <PageHeader title="Schedule a firmware update" description="Pick the devices and the version, when it may run, and how carefully it rolls out. Nothing is sent before you confirm." />
      {kindSwitch}
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
