import type { Metadata } from "next";
import Link from "next/link";
import { BulkSelection, PageCheckbox, RowCheckbox } from "@/components/devices/bulk-selection";
import { DeviceListFilters, type FilterField } from "@/components/devices/device-list-filters";
import { GroupCounts } from "@/components/devices/device-list-group-counts";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { SortHeader } from "@/components/devices/device-list-sort-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { TagChip } from "@/components/ui/tag-chip";
import { TimeAgo } from "@/components/ui/time-ago";
import { DebugBadge, debugActive } from "@/components/commands/debug-badge";
import { can } from "@/lib/auth/permissions";
import { SYNC_STATUS_LABEL } from "@/lib/configuration/sync-status";
import { BULK_COMMAND_ROLE, roleReaches } from "@/lib/commands/catalogue";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { WARRANTY_STATUS_LABEL, WARRANTY_STATUSES } from "@/lib/warranty/warranty-status";
import { CONNECTION_LABEL, CONNECTION_STATUSES, DEVICE_STATE_LABEL, DEVICE_STATES, HEALTH_LABEL, HEALTH_STATUSES } from "@/lib/devices/device-fields";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES } from "@/lib/devices/device-id";
import { countDevicesBy, listDevices } from "@/lib/devices/device-list";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { CONFIG_SYNC_FILTERS, deviceListQuerySchema, deviceQueryToSearchParams, searchParamsToObject, type DeviceListQuery } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Devices" };
export const dynamic = "force-dynamic";

/** "Due or overdue" first: what a person filtering on calibration usually wants to see. */
const CALIBRATION_FILTER_OPTIONS = [
  { value: "due,overdue", label: "Due or overdue" },
  { value: "overdue", label: "Overdue" },
  { value: "due", label: "Due within 14 days" },
  { value: "ok", label: "Up to date" },
  { value: "not_required", label: "Not required" },
];

const GROUP_BY_LABEL = { type: "Type", health: "Health", farm: "Farm", group: "Group", state: "Status", connection: "Connection" } as const;

/**
 * A URL written by hand or kept from an older version may hold a filter we do not understand:
 * the page drops those parameters, says so, and shows the rest rather than failing.
 */
function readQuery(raw: Record<string, unknown>): { query: DeviceListQuery; ignored: string[] } {
  const first = deviceListQuerySchema.safeParse(raw);
  if (first.success) return { query: first.data, ignored: [] };
  const ignored = [...new Set(first.error.issues.map((issue) => String(issue.path[0] ?? "")))].filter(Boolean);
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([key]) => !ignored.includes(key)));
  return { query: deviceListQuerySchema.parse(cleaned), ignored };
}

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("devices.read");
  const { query: asked, ignored } = readQuery(searchParamsToObject(await searchParams));
  // The farm switcher in the shell narrows every page; a farm in the URL wins over it.
  const query: DeviceListQuery = { ...asked, farm: asked.farm ?? (await selectedFarmId(actor)) ?? undefined };
  const db = getDb();
  const mayCommand = can(actor.role, "devices.command") && roleReaches(actor.role, BULK_COMMAND_ROLE);
  const [page, counts, farms, options, typeCounts] = await Promise.all([
    listDevices(db, actor, query),
    query.groupBy ? countDevicesBy(db, actor, query, query.groupBy) : null,
    visibleFarms(actor),
    readDeviceListOptions(db, actor),
    // the bulk command dialog offers the commands the matching devices' types have
    mayCommand ? (query.groupBy === "type" ? null : countDevicesBy(db, actor, query, "type")) : [],
  ]);
  const matchingTypes = Object.fromEntries((typeCounts ?? counts ?? []).map((row) => [row.key, row.count]));

  const filterFields: FilterField[] = [
    ...(farms.length > 1 ? [{ name: "farm", label: "Farm", allLabel: "All farms", options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
    { name: "type", label: "Type", allLabel: "All types", options: DEVICE_TYPES.map((type) => ({ value: type, label: DEVICE_TYPE_LABEL[type] })) },
    { name: "state", label: "Status", allLabel: "Any status", options: DEVICE_STATES.map((state) => ({ value: state, label: DEVICE_STATE_LABEL[state] })) },
    { name: "health", label: "Health", allLabel: "Any health", options: HEALTH_STATUSES.map((health) => ({ value: health, label: HEALTH_LABEL[health] })) },
    { name: "connection", label: "Connection", allLabel: "Any connection", options: CONNECTION_STATUSES.map((status) => ({ value: status, label: CONNECTION_LABEL[status] })) },
    { name: "group", label: "Group (incl. sub-groups)", allLabel: "Any group", options: [{ value: "none", label: "No group" }, ...options.groups.map((group) => ({ value: String(group.id), label: group.label }))] },
    { name: "tag", label: "Tag", allLabel: "Any tag", options: options.tags.map((tag) => ({ value: String(tag.id), label: tag.name })) },
    { name: "firmware", label: "Firmware", allLabel: "Any firmware", options: [{ value: "none", label: "Not reported" }, ...options.firmwareVersions.map((version) => ({ value: version, label: version }))] },
    { name: "attention", label: "Needs attention", allLabel: "Either", options: [{ value: "true", label: "Needs attention" }, { value: "false", label: "Fine" }] },
    { name: "maintenance", label: "Maintenance mode", allLabel: "Either", options: [{ value: "true", label: "In maintenance" }, { value: "false", label: "Not in maintenance" }] },
    { name: "config", label: "Configuration status", allLabel: "Any configuration status", options: CONFIG_SYNC_FILTERS.map((status) => ({ value: status, label: status === "pending" ? "Pending or sent" : SYNC_STATUS_LABEL[status] })) },
    { name: "drift", label: "Configuration drift", allLabel: "Either", options: [{ value: "true", label: "Drifted" }, { value: "false", label: "No drift" }] },
    { name: "calibration", label: "Calibration", allLabel: "Any calibration", options: CALIBRATION_FILTER_OPTIONS },
    { name: "warranty", label: "Warranty", allLabel: "Any warranty", options: WARRANTY_STATUSES.map((status) => ({ value: status, label: status === "expiring" ? "Expiring (< 30 days)" : WARRANTY_STATUS_LABEL[status] })) },
    { name: "stock", label: "Stock", allLabel: "Either", options: [{ value: "true", label: "Spares in stock" }, { value: "false", label: "Not in stock" }] },
  ];
  const activeCount = ["q", "farm", "type", "state", "health", "connection", "group", "tag", "firmware", "attention", "maintenance", "config", "drift", "calibration", "warranty", "stock", "retired"].filter((key) => asked[key as keyof DeviceListQuery] !== undefined).length;

  const filterOnly = deviceQueryToSearchParams({ ...query, sort: undefined, dir: undefined, page: undefined, pageSize: undefined, groupBy: undefined });
  const canWrite = can(actor.role, "devices.write");
  const linkTo = (changes: Partial<DeviceListQuery>) => {
    const params = deviceQueryToSearchParams({ ...asked, ...changes });
    return params.size ? `/devices?${params}` : "/devices";
  };
  const sortBy = (key: DeviceListQuery["sort"], label: string) => ({ label, active: query.sort === key, dir: query.dir, href: linkTo({ sort: key, dir: query.sort === key && query.dir === "asc" ? "desc" : "asc", page: 1 }) });
  const sortHeader = (key: DeviceListQuery["sort"], label: string, align?: "right") => <SortHeader sorts={[sortBy(key, label)]} align={align} />;
  const oneFarm = farms.length === 1 || query.farm !== undefined;

  return (
    <>
      <PageHeader
        title="Devices"
        description={`${page.total.toLocaleString("en")} ${page.total === 1 ? "device" : "devices"}${activeCount ? " match the filters" : ""}`}
        actions={
          <>
            <AutoRefresh seconds={10} />
            <a href={`/api/v1/devices/export?${filterOnly}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50" download>
              Export {page.total > 0 ? `all ${page.total.toLocaleString("en")}` : ""} as CSV
            </a>
          </>
        }
      />
      <DeviceListFilters fields={filterFields} groupByOptions={Object.entries(GROUP_BY_LABEL).map(([value, label]) => ({ value, label }))} activeCount={activeCount} />
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and were ignored: {ignored.join(", ")}.
        </p>
      ) : null}
      {counts && query.groupBy ? <GroupCounts title={`By ${GROUP_BY_LABEL[query.groupBy].toLowerCase()}`} counts={counts} hrefFor={(key) => linkTo({ [query.groupBy!]: groupByFilterValue(query.groupBy!, key), page: 1 })} /> : null}

      {/* The selection wraps the empty state too: a bulk change that empties the view keeps its message. */}
      <BulkSelection
        pageIds={page.items.map((device) => device.deviceId)}
        total={page.total}
        filter={Object.fromEntries(filterOnly)}
        exportQuery={filterOnly.toString()}
        groups={options.groups.map((group) => ({ id: group.id, label: group.label }))}
        tags={options.tags.map((tag) => ({ id: tag.id, label: tag.name }))}
        canWrite={canWrite}
        canSchedule={can(actor.role, "ota.schedule")}
        canConfigure={can(actor.role, "config.manage") && can(actor.role, "ota.schedule")}
        commandRole={mayCommand ? actor.role : null}
        pageTypes={Object.fromEntries(page.items.map((device) => [device.deviceId, device.deviceType]))}
        matchingTypes={matchingTypes}
      >
        {page.items.length === 0 ? (
          <EmptyState title={activeCount ? "No device matches these filters" : "No devices yet"}>
            {activeCount ? (
              <Link className="text-brand-700 underline" href="/devices">
                Clear the filters
              </Link>
            ) : (
              "Provision a device or import a CSV file to fill the registry."
            )}
          </EmptyState>
        ) : (
          <>
          <div className="mb-2 flex items-center gap-2 text-sm text-stone-600 md:hidden">
            <PageCheckbox /> Select this page
          </div>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="Devices">
            {page.items.map((device) => (
              <li key={device.id} className="flex gap-3 px-3 py-2.5 text-sm">
                <span className="pt-0.5">
                  <RowCheckbox deviceId={device.deviceId} label={`${device.deviceId} ${device.name}`} />
                </span>
                <div className="min-w-0 flex-1">
                  <div className="flex items-center justify-between gap-2">
                    <Link href={`/devices/${device.deviceId}`} className="min-w-0 truncate">
                      <span className="font-mono text-xs text-stone-500">{device.deviceId}</span> <span className="font-medium text-stone-900">{device.name}</span>
                    </Link>
                    <HealthBadge status={device.healthStatus} />
                  </div>
                  <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
                    <ConnectionBadge status={device.connectionStatus} />
                    <span>{device.batteryLevel === null ? "battery —" : `battery ${device.batteryLevel.toFixed(0)} %`}</span>
                    <span>{device.signalStrength === null ? "signal —" : `${device.signalStrength} dBm`}</span>
                    <span data-testid="last-seen-mobile">
                      seen <TimeAgo date={device.lastSeen} />
                    </span>
                    {device.maintenanceMode ? <MaintenanceMark /> : null}
                    {debugActive(device) ? <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone="UTC" compact /> : null}
                  </div>
                </div>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table className="w-full min-w-[960px] text-sm [&_td]:px-2.5 [&_th]:px-2.5">
              <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col" className="w-8 px-3 py-2">
                    <PageCheckbox />
                  </th>
                  <SortHeader sorts={[sortBy("deviceId", "Device"), sortBy("name", "Name")]} />
                  {sortHeader("type", "Type")}
                  {oneFarm ? null : <SortHeader sorts={[sortBy("farm", "Farm")]} className="hidden min-[1440px]:table-cell" />}
                  {sortHeader("group", "Group")}
                  {sortHeader("state", "Status")}
                  {sortHeader("health", "Health")}
                  <SortHeader sorts={[sortBy("connection", "Connection"), sortBy("lastSeen", "Seen")]} />
                  {sortHeader("battery", "Battery", "right")}
                  {sortHeader("signal", "Signal", "right")}
                  {sortHeader("firmware", "Firmware")}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.items.map((device) => (
                  <tr key={device.id} className="hover:bg-stone-50">
                    <td className="px-3 py-2">
                      <RowCheckbox deviceId={device.deviceId} label={`${device.deviceId} ${device.name}`} />
                    </td>
                    <td className="px-3 py-2">
                      <Link href={`/devices/${device.deviceId}`} className="group block">
                        <span className="block font-mono text-xs text-brand-700 group-hover:underline">{device.deviceId}</span>
                        <span className="block text-stone-900 group-hover:underline">{device.name}</span>
                      </Link>
                      {device.tags.length ? (
                        <span className="mt-0.5 flex flex-wrap gap-1">
                          {device.tags.map((tag) => (
                            <TagChip key={tag.id} name={tag.name} color={tag.color} />
                          ))}
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">{DEVICE_TYPE_LABEL[device.deviceType]}</td>
                    {oneFarm ? null : (
                      <td className="hidden px-3 py-2 min-[1440px]:table-cell" title={device.farm.name}>
                        {device.farm.code}
                      </td>
                    )}
                    <td className="px-3 py-2">{device.group?.name ?? <span className="text-stone-400">—</span>}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {DEVICE_STATE_LABEL[device.state]}
                      {device.maintenanceMode && device.state !== "maintenance" ? <MaintenanceMark /> : null}
                      {debugActive(device) ? (
                        <span className="ml-1">
                          <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone="UTC" compact />
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      <HealthBadge status={device.healthStatus} />{" "}
                      {/* M92's score deducts nothing for a device never heard from: 100 would mislead. */}
                      {device.healthStatus === "unknown" ? null : <span className="text-xs text-stone-500 tabular-nums">{Math.round(device.healthScore)}</span>}
                      {device.needsAttention ? (
                        <span className="ml-1 text-xs text-amber-700" title="Needs attention">
                          ⚑<span className="sr-only"> needs attention</span>
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      <ConnectionBadge status={device.connectionStatus} />
                      <span className="block text-xs text-stone-500" data-testid="last-seen">
                        <TimeAgo date={device.lastSeen} />
                      </span>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{device.batteryLevel === null ? "—" : `${device.batteryLevel.toFixed(0)} %`}</td>
                    <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{device.signalStrength === null ? "—" : `${device.signalStrength} dBm`}</td>
                    <td className="px-3 py-2 font-mono text-xs">{device.firmwareVersion ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          </>
        )}
      </BulkSelection>
      <DeviceListPagination page={page.page} pages={page.pages} pageSize={page.pageSize} total={page.total} hrefFor={(changes) => linkTo(changes)} />
    </>
  );
}

function MaintenanceMark() {
  return <span className="ml-1 rounded-full bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-900">Maintenance</span>;
}

/** The list filter that shows the devices counted under one group-by key. */
function groupByFilterValue(by: NonNullable<DeviceListQuery["groupBy"]>, key: string) {
  if (by === "farm") return Number(key);
  if (by === "group") return key === "none" ? "none" : Number(key);
  return [key];
}
