import type { Metadata } from "next";
import { ExportLinks } from "@/components/devices/export-links";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { BulkSelection, PageCheckbox, RowCheckbox } from "@/components/devices/bulk-selection";
import { DeviceListFilters, type FilterField } from "@/components/devices/device-list-filters";
import { GroupCounts } from "@/components/devices/device-list-group-counts";
import { DeviceListCursorPagination } from "@/components/devices/device-list-cursor-pagination";
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
import { CONNECTION_STATUSES, DEVICE_STATES, HEALTH_STATUSES } from "@/lib/devices/device-fields";
import { DEVICE_TYPES } from "@/lib/devices/device-id";
import { countDevicesBy, listDevices, type GroupCount } from "@/lib/devices/device-list";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { BULK_LIMIT } from "@/lib/devices/device-bulk";
import { CONFIG_SYNC_FILTERS, deviceListQuerySchema, deviceQueryToSearchParams, searchParamsToObject, type DeviceListQuery } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { Fragment, type ReactNode } from "react";
import { FilterChips, type FilterChip } from "@/components/lists/filter-chips";
import { ListKeyboard } from "@/components/lists/list-keyboard";
import { ListToolbar } from "@/components/lists/list-toolbar";
import { EXPORT_COLUMNS } from "@/lib/devices/device-export";
import type { ListedDevice } from "@/lib/devices/device-list";
import { DEVICE_COLUMNS, exportColumnsFor, PRESENTATION_PARAMS, type DeviceColumnKey } from "@/lib/list-views/list-columns";
import { listPresentation, readPreferences } from "@/lib/list-views/list-preferences";
import { listSavedViews } from "@/lib/list-views/saved-views";
import { warrantyStatus } from "@/lib/warranty/warranty-status";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("devices"))("title") };
}
export const dynamic = "force-dynamic";

/** "Due or overdue" first: what a person filtering on calibration usually wants to see. */
const CALIBRATION_FILTER_OPTIONS = [
  { value: "due,overdue", key: "dueOrOverdue" },
  { value: "overdue", key: "overdue" },
  { value: "due", key: "dueSoon" },
  { value: "ok", key: "upToDate" },
  { value: "not_required", key: "notRequired" },
] as const;

const GROUP_BY_FIELDS = ["type", "health", "farm", "group", "state", "connection"] as const;

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
  const rawParams = searchParamsToObject(await searchParams) as Record<string, string | string[] | undefined>;
  const { query: asked, ignored } = readQuery(Object.fromEntries(Object.entries(rawParams).filter(([key]) => !(PRESENTATION_PARAMS as readonly string[]).includes(key))));
  const savedViewId = typeof rawParams.savedView === "string" && /^\d{1,9}$/.test(rawParams.savedView) ? Number(rawParams.savedView) : null;
  // The farm switcher in the shell narrows every page; a farm in the URL wins over it.
  const query: DeviceListQuery = { ...asked, farm: asked.farm ?? (await selectedFarmId(actor)) ?? undefined };
  const db = getDb();
  const mayCommand = can(actor.role, "devices.command") && roleReaches(actor.role, BULK_COMMAND_ROLE);
  const [page, counts, farms, options, preferences, savedViews] = await Promise.all([
    listDevices(db, actor, query),
    query.groupBy ? countDevicesBy(db, actor, query, query.groupBy) : null,
    visibleFarms(actor),
    readDeviceListOptions(db, actor),
    readPreferences(db, actor),
    listSavedViews(db, actor, "devices"),
  ]);
  // The bulk command dialog offers the commands the matching devices' types have. Counted only
  // when a bulk command could take them all (BULK_LIMIT): grouping a million devices by type on
  // every view of the list would cost more than the rest of the page together.
  const commandable = page.totalKind === "exact" || (page.totalKind === "estimate" && page.total <= BULK_LIMIT);
  const typeCounts = mayCommand && commandable ? (query.groupBy === "type" ? null : await countDevicesBy(db, actor, query, "type")) : [];
  const matchingTypes = Object.fromEntries((typeCounts ?? counts ?? []).map((row) => [row.key, row.count]));

  const [t, tf, tEnum, tCommon, tLists, format] = await Promise.all([getTranslations("devices"), getTranslations("devices.filter"), getTranslations("enums"), getTranslations("common"), getTranslations("lists"), getFormatter()]);
  const filterFields: FilterField[] = [
    ...(farms.length > 1 ? [{ name: "farm", label: tf("farm"), allLabel: tf("allFarms"), options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
    { name: "type", label: tf("type"), allLabel: tf("allTypes"), options: DEVICE_TYPES.map((type) => ({ value: type, label: tEnum(`deviceType.${type}`) })) },
    { name: "state", label: tf("status"), allLabel: tf("anyStatus"), options: DEVICE_STATES.map((state) => ({ value: state, label: tEnum(`deviceState.${state}`) })) },
    { name: "health", label: tf("health"), allLabel: tf("anyHealth"), options: HEALTH_STATUSES.map((health) => ({ value: health, label: tEnum(`health.${health}`) })) },
    { name: "connection", label: tf("connection"), allLabel: tf("anyConnection"), options: CONNECTION_STATUSES.map((status) => ({ value: status, label: tEnum(`connection.${status}`) })) },
    { name: "group", label: tf("group"), allLabel: tf("anyGroup"), options: [{ value: "none", label: tf("noGroup") }, ...options.groups.map((group) => ({ value: String(group.id), label: group.label }))] },
    { name: "tag", label: tf("tag"), allLabel: tf("anyTag"), options: options.tags.map((tag) => ({ value: String(tag.id), label: tag.name })) },
    { name: "firmware", label: tf("firmware"), allLabel: tf("anyFirmware"), options: [{ value: "none", label: tf("notReported") }, ...options.firmwareVersions.map((version) => ({ value: version, label: version }))] },
    { name: "attention", label: tf("attention"), allLabel: tCommon("either"), options: [{ value: "true", label: tf("attention") }, { value: "false", label: tf("fine") }] },
    { name: "maintenance", label: tf("maintenance"), allLabel: tCommon("either"), options: [{ value: "true", label: tf("inMaintenance") }, { value: "false", label: tf("notInMaintenance") }] },
    // Configuration and warranty states are named by their own areas (not translated yet).
    { name: "config", label: tf("config"), allLabel: tf("anyConfig"), options: CONFIG_SYNC_FILTERS.map((status) => ({ value: status, label: status === "pending" ? tf("pendingOrSent") : SYNC_STATUS_LABEL[status] })) },
    { name: "drift", label: tf("drift"), allLabel: tCommon("either"), options: [{ value: "true", label: tf("drifted") }, { value: "false", label: tf("noDrift") }] },
    { name: "calibration", label: tf("calibration"), allLabel: tf("anyCalibration"), options: CALIBRATION_FILTER_OPTIONS.map((option) => ({ value: option.value, label: tf(option.key) })) },
    { name: "warranty", label: tf("warranty"), allLabel: tf("anyWarranty"), options: WARRANTY_STATUSES.map((status) => ({ value: status, label: status === "expiring" ? tf("expiring") : WARRANTY_STATUS_LABEL[status] })) },
    { name: "stock", label: tf("stock"), allLabel: tCommon("either"), options: [{ value: "true", label: tf("inStock") }, { value: "false", label: tf("notInStock") }] },
  ];
  const activeCount = ["q", "farm", "type", "state", "health", "connection", "group", "tag", "firmware", "attention", "maintenance", "config", "drift", "calibration", "warranty", "stock", "retired"].filter((key) => asked[key as keyof DeviceListQuery] !== undefined).length;

  const filterOnly = deviceQueryToSearchParams({ ...query, sort: undefined, dir: undefined, page: undefined, pageSize: undefined, groupBy: undefined, cursor: undefined });
  const canWrite = can(actor.role, "devices.write");
  // links keep how the list looks (density, columns) and which saved view it is
  const presentationParams = PRESENTATION_PARAMS.flatMap((key) => (typeof rawParams[key] === "string" ? [[key, rawParams[key] as string] as const] : []));
  // a link that changes the view starts again at the first page; only the pager passes a cursor
  const linkTo = (changes: Partial<Omit<DeviceListQuery, "cursor">> & { cursor?: string }) => {
    const params = deviceQueryToSearchParams({ ...asked, cursor: undefined, ...changes });
    for (const [key, value] of presentationParams) params.set(key, value);
    return params.size ? `/devices?${params}` : "/devices";
  };
  const sortBy = (key: DeviceListQuery["sort"], label: string) => ({ label, active: query.sort === key, dir: query.dir, href: linkTo({ sort: key, dir: query.sort === key && query.dir === "asc" ? "desc" : "asc", page: 1 }) });
  const sortHeader = (key: DeviceListQuery["sort"], label: string, align?: "right") => <SortHeader sorts={[sortBy(key, label)]} align={align} />;
  const oneFarm = farms.length === 1 || query.farm !== undefined;

  const presentation = listPresentation("devices", preferences, { density: rawParams.density, columns: rawParams.columns });
  const compact = presentation.density === "compact";
  const today = new Date();
  const dash = <span className="text-stone-400">—</span>;
  const cellText = "px-3 py-2";
  /** Every column the person may show, keyed as in lib/list-views/list-columns.ts. */
  const columnDefs: Record<DeviceColumnKey, { label: string; header: ReactNode; cell: (device: ListedDevice) => ReactNode }> = {
    device: {
      label: `${t("column.device")} / ${t("column.name")}`,
      header: <SortHeader key="device" sorts={[sortBy("deviceId", t("column.device")), sortBy("name", t("column.name"))]} />,
      cell: (device) => (
        <td className={cellText}>
          {compact ? (
            <span className="truncate-tip block" data-tip={`${device.deviceId} ${device.name}`}>
              <Link href={`/devices/${device.deviceId}`} data-row-link className="block max-w-[18rem] truncate hover:underline" title={`${device.deviceId} ${device.name}`}>
                <span className="font-mono text-xs text-brand-700">{device.deviceId}</span> <span className="text-stone-900">{device.name}</span>
              </Link>
            </span>
          ) : (
            <Link href={`/devices/${device.deviceId}`} data-row-link className="group block">
              <span className="block font-mono text-xs text-brand-700 group-hover:underline">{device.deviceId}</span>
              <span className="block text-stone-900 group-hover:underline">{device.name}</span>
            </Link>
          )}
        </td>
      ),
    },
    type: { label: t("column.type"), header: sortHeader("type", t("column.type")), cell: (device) => <td className={cellText}>{tEnum(`deviceType.${device.deviceType}`)}</td> },
    farm: {
      label: t("column.farm"),
      header: <SortHeader key="farm" sorts={[sortBy("farm", t("column.farm"))]} />,
      cell: (device) => (
        <td className={cellText} title={device.farm.name}>
          {device.farm.code}
        </td>
      ),
    },
    group: {
      label: t("column.group"),
      header: sortHeader("group", t("column.group")),
      cell: (device) => (
        <td className={cellText}>
          {device.group ? (
            <span className={compact ? "block max-w-[10rem] truncate" : undefined} title={device.group.name}>
              {device.group.name}
            </span>
          ) : (
            dash
          )}
        </td>
      ),
    },
    tags: {
      label: t("column.tags"),
      header: <th key="tags" scope="col" className="py-2 font-medium">{t("column.tags")}</th>,
      cell: (device) => (
        <td className={cellText}>
          {device.tags.length ? (
            <span className={`flex gap-1 ${compact ? "max-w-[12rem] overflow-hidden" : "flex-wrap"}`} title={device.tags.map((tag) => tag.name).join(", ")}>
              {device.tags.map((tag) => (
                <TagChip key={tag.id} name={tag.name} color={tag.color} />
              ))}
            </span>
          ) : (
            dash
          )}
        </td>
      ),
    },
    state: {
      label: t("column.status"),
      header: sortHeader("state", t("column.status")),
      cell: (device) => (
        <td className={`${cellText} whitespace-nowrap`}>
          {tEnum(`deviceState.${device.state}`)}
          {device.maintenanceMode && device.state !== "maintenance" ? <MaintenanceMark label={t("maintenance")} /> : null}
          {debugActive(device) ? (
            <span className="ml-1">
              <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone="UTC" compact />
            </span>
          ) : null}
        </td>
      ),
    },
    health: {
      label: t("column.health"),
      header: sortHeader("health", t("column.health")),
      cell: (device) => (
        <td className={`${cellText} whitespace-nowrap`}>
          <HealthBadge status={device.healthStatus} />{" "}
          {/* M92's score deducts nothing for a device never heard from: 100 would mislead. */}
          {device.healthStatus === "unknown" ? null : <span className="text-xs text-stone-500 tabular-nums">{Math.round(device.healthScore)}</span>}
          {device.needsAttention ? (
            <span className="ml-1 text-xs text-amber-700" title={t("needsAttention")}>
              ⚑<span className="sr-only"> {t("needsAttention")}</span>
            </span>
          ) : null}
        </td>
      ),
    },
    connection: {
      label: t("column.connection"),
      header: sortHeader("connection", t("column.connection")),
      cell: (device) => (
        <td className={`${cellText} whitespace-nowrap`}>
          <ConnectionBadge status={device.connectionStatus} />
        </td>
      ),
    },
    lastSeen: {
      label: t("column.lastSeen"),
      header: sortHeader("lastSeen", t("column.lastSeen")),
      cell: (device) => (
        <td className={`${cellText} text-xs whitespace-nowrap text-stone-600`} data-testid="last-seen">
          <TimeAgo date={device.lastSeen} timeZone={device.farm.timezone} />
        </td>
      ),
    },
    battery: { label: t("column.battery"), header: sortHeader("battery", t("column.battery"), "right"), cell: (device) => <td className={`${cellText} text-right tabular-nums`}>{device.batteryLevel === null ? "—" : `${format.number(Math.round(device.batteryLevel))} %`}</td> },
    signal: { label: t("column.signal"), header: sortHeader("signal", t("column.signal"), "right"), cell: (device) => <td className={`${cellText} text-right whitespace-nowrap tabular-nums`}>{device.signalStrength === null ? "—" : `${format.number(device.signalStrength)} dBm`}</td> },
    firmware: { label: t("column.firmware"), header: sortHeader("firmware", t("column.firmware")), cell: (device) => <td className={`${cellText} font-mono text-xs`}>{device.firmwareVersion ?? "—"}</td> },
    calibrationDue: {
      label: t("column.calibrationDue"),
      header: <th key="calibrationDue" scope="col" className="py-2 font-medium">{t("column.calibrationDue")}</th>,
      cell: (device) => <td className={`${cellText} whitespace-nowrap`}>{device.nextCalibrationDue ? format.dateTime(device.nextCalibrationDue, { dateStyle: "medium", timeZone: "UTC" }) : dash}</td>,
    },
    warranty: {
      label: t("column.warranty"),
      header: <th key="warranty" scope="col" className="py-2 font-medium">{t("column.warranty")}</th>,
      cell: (device) => {
        const status = warrantyStatus(device, today);
        return (
          <td className={`${cellText} whitespace-nowrap`}>
            {WARRANTY_STATUS_LABEL[status]}
            {device.warrantyEnd && status !== "none" ? <span className="text-xs text-stone-500"> · {format.dateTime(device.warrantyEnd, { dateStyle: "medium", timeZone: "UTC" })}</span> : null}
          </td>
        );
      },
    },
  };
  // one farm in view: its code in every row says nothing
  const shownColumns = presentation.columns.filter((key) => !(key === "farm" && oneFarm && !presentation.columnsFromUrl)).map((key) => ({ key, ...columnDefs[key as DeviceColumnKey] }));
  const exportVisibleQuery = new URLSearchParams(filterOnly);
  exportVisibleQuery.set("columns", exportColumnsFor("devices", presentation.columns, EXPORT_COLUMNS).join(","));
  const viewChoices = savedViews.map((view) => ({ id: view.id, name: view.name, href: view.href, mine: view.mine, pinned: view.pinned, editable: view.editable, deletable: view.deletable, shared: view.shared, ownerName: view.ownerName }));
  // beyond 10,000 the count is PostgreSQL's estimate (lib/devices/device-count.ts), and says so
  const totalText =
    page.totalKind === "estimate" ? t("aboutCount", { count: format.number(page.total) }) : page.totalKind === "atLeast" ? t("moreThanCount", { count: format.number(page.total) }) : format.number(page.total);
  const countLine =
    page.totalKind === "exact"
      ? activeCount
        ? t("countFiltered", { count: page.total })
        : t("count", { count: page.total })
      : t(`${activeCount ? "countFiltered" : "count"}${page.totalKind === "estimate" ? "About" : "AtLeast"}`, { count: format.number(page.total) });
  const chips: FilterChip[] = [
    ...(asked.q ? [{ name: "q", label: t("search"), value: asked.q, href: linkTo({ q: undefined, page: 1 }) }] : []),
    ...filterFields.flatMap((field) => {
      const value = rawParams[field.name];
      if (value === undefined || asked[field.name as keyof DeviceListQuery] === undefined) return [];
      const raw = Array.isArray(value) ? value.join(",") : String(value);
      const shown = raw.split(",").map((part) => field.options.find((option) => option.value === part || option.value === raw)?.label ?? part);
      return [{ name: field.name, label: field.label, value: [...new Set(shown)].join(", "), href: linkTo({ [field.name]: undefined, page: 1 }) }];
    }),
    ...(asked.retired ? [{ name: "retired", label: tf("status"), value: "incl. retired", href: linkTo({ retired: undefined, page: 1 }) }] : []),
  ];

  return (
    <>
      <PageHeader
        title={t("title")}
        description={countLine}
        actions={
          <>
            <AutoRefresh seconds={10} />
            <ExportLinks href={`/api/v1/devices/export?${filterOnly}`} label={page.total > 0 ? t("exportAll", { count: totalText }) : t("export")} excelLabel={t("exportExcel")} excelTitle={t("exportExcelTitle")} />
            <a href={`/api/v1/devices/export?${exportVisibleQuery}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50" download>
              {tLists("exportVisible")}
            </a>
          </>
        }
      />
      <DeviceListFilters fields={filterFields} groupByOptions={GROUP_BY_FIELDS.map((value) => ({ value, label: t(`groupByField.${value}`) }))} activeCount={activeCount}>
        <ListToolbar
          className="md:ml-auto"
          list="devices"
          density={presentation.density}
          columns={DEVICE_COLUMNS.map((column) => ({ key: column.key, label: columnDefs[column.key].label, required: "required" in column ? column.required : false }))}
          visible={presentation.columns}
          views={viewChoices}
          currentViewId={savedViewId}
          canShare={can(actor.role, "views.share")}
        >
          <ListKeyboard />
        </ListToolbar>
      </DeviceListFilters>
      <FilterChips chips={chips} />
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {tCommon("filtersIgnored", { names: ignored.join(", ") })}
        </p>
      ) : null}
      {counts && query.groupBy ? <GroupCounts title={t("byField", { field: t(`groupByField.${query.groupBy}`).toLowerCase() })} counts={translatedCounts(counts, query.groupBy, tEnum)} hrefFor={(key) => linkTo({ [query.groupBy!]: groupByFilterValue(query.groupBy!, key), page: 1 })} /> : null}

      {/* The selection wraps the empty state too: a bulk change that empties the view keeps its message. */}
      <BulkSelection
        pageIds={page.items.map((device) => device.deviceId)}
        total={page.total}
        totalText={page.totalKind === "exact" ? undefined : totalText}
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
          <EmptyState title={activeCount ? t("noMatch") : t("noDevices")}>
            {activeCount ? (
              <Link className="text-brand-700 underline" href="/devices">
                {tCommon("clearFilters")}
              </Link>
            ) : (
              t("noDevicesHint")
            )}
          </EmptyState>
        ) : (
          <>
          <div className="mb-2 flex items-center gap-2 text-sm text-stone-600 md:hidden">
            <PageCheckbox /> {t("selectPage")}
          </div>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label={t("title")} data-list-rows data-density={presentation.density}>
            {page.items.map((device) => (
              <li key={device.id} className="list-row flex gap-3 px-3 py-2.5 text-sm" tabIndex={-1} data-list-row>
                <span className="pt-0.5">
                  <RowCheckbox deviceId={device.deviceId} label={`${device.deviceId} ${device.name}`} />
                </span>
                <div className="min-w-0 flex-1">
                  <div className="flex items-center justify-between gap-2">
                    <Link href={`/devices/${device.deviceId}`} data-row-link className="min-w-0 truncate" title={`${device.deviceId} ${device.name}`}>
                      <span className="font-mono text-xs text-stone-500">{device.deviceId}</span> <span className="font-medium text-stone-900">{device.name}</span>
                    </Link>
                    <HealthBadge status={device.healthStatus} />
                  </div>
                  <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600" data-compact-hide>
                    <ConnectionBadge status={device.connectionStatus} />
                    <span>{t("battery", { value: device.batteryLevel === null ? "—" : `${format.number(Math.round(device.batteryLevel))} %` })}</span>
                    <span>{device.signalStrength === null ? t("signal", { value: "—" }) : `${format.number(device.signalStrength)} dBm`}</span>
                    <span data-testid="last-seen-mobile">
                      {t("seen")} <TimeAgo date={device.lastSeen} timeZone={device.farm.timezone} />
                    </span>
                    {device.maintenanceMode ? <MaintenanceMark label={t("maintenance")} /> : null}
                    {debugActive(device) ? <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone="UTC" compact /> : null}
                  </div>
                </div>
              </li>
            ))}
          </ul>
          <div className="sticky-table hidden max-h-[calc(100dvh-4rem)] overflow-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block" data-density={presentation.density}>
            <table className="w-full text-sm [&_td]:px-2.5 [&_th]:px-2.5" style={{ minWidth: compact ? undefined : 960 }} data-list-rows>
              <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col" className="w-8 px-3 py-2">
                    <PageCheckbox />
                  </th>
                  {shownColumns.map((column) => (
                    <Fragment key={column.key}>{column.header}</Fragment>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.items.map((device) => (
                  <tr key={device.id} className="list-row hover:bg-stone-50" tabIndex={-1} data-list-row aria-label={`${device.deviceId} ${device.name}`}>
                    <td className="px-3 py-2">
                      <RowCheckbox deviceId={device.deviceId} label={`${device.deviceId} ${device.name}`} />
                    </td>
                    {shownColumns.map((column) => (
                      <Fragment key={column.key}>{column.cell(device)}</Fragment>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          </>
        )}
      </BulkSelection>
      <DeviceListCursorPagination
        offset={page.offset}
        shown={page.items.length}
        page={page.page}
        pages={page.pages}
        pageSize={page.pageSize}
        total={page.total}
        totalText={totalText}
        exact={page.totalKind === "exact"}
        firstHref={page.prevCursor || page.offset > 0 ? linkTo({ page: 1 }) : null}
        prevHref={page.prevCursor ? linkTo({ page: 1, cursor: page.prevCursor }) : null}
        nextHref={page.nextCursor ? linkTo({ page: 1, cursor: page.nextCursor }) : null}
        sizeHref={(size) => linkTo({ pageSize: size, page: 1 })}
      />
    </>
  );
}

function MaintenanceMark({ label }: { label: string }) {
  return <span className="ml-1 rounded-full bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-900">{label}</span>;
}

const COUNT_NAMESPACE: Partial<Record<NonNullable<DeviceListQuery["groupBy"]>, string>> = { type: "deviceType", health: "health", state: "deviceState", connection: "connection" };

/** Counts by type, health, status or connection carry the lib's English names: say them in the person's. */
function translatedCounts(counts: GroupCount[], by: NonNullable<DeviceListQuery["groupBy"]>, tEnum: Awaited<ReturnType<typeof getTranslations>>): GroupCount[] {
  const namespace = COUNT_NAMESPACE[by];
  if (!namespace) return counts;
  return counts.map((count) => (tEnum.has(`${namespace}.${count.key}`) ? { ...count, label: tEnum(`${namespace}.${count.key}`) } : count));
}

/** The list filter that shows the devices counted under one group-by key. */
function groupByFilterValue(by: NonNullable<DeviceListQuery["groupBy"]>, key: string) {
  if (by === "farm") return Number(key);
  if (by === "group") return key === "none" ? "none" : Number(key);
  return [key];
}
