import type { Metadata } from "next";
import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { chosenColumns, toolbarColumns } from "@/components/lists/chosen-columns";
import { filterChipsFor } from "@/components/lists/filter-chips";
import { ListFrame } from "@/components/lists/list-frame";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { daysBetween, shortDay, todayIn } from "@/components/maintenance/calendar-dates";
import { maintenanceFilterFields } from "@/components/maintenance/filter-fields";
import { MaintenanceStatusBadge, MaintenanceTypeChip, shownStatus } from "@/components/maintenance/maintenance-badges";
import { MaintenanceFilters } from "@/components/maintenance/maintenance-filters";
import { MaintenanceSummary } from "@/components/maintenance/maintenance-summary";
import { MaintenanceTabs } from "@/components/maintenance/maintenance-tabs";
import { formatMoney } from "@/components/maintenance/money";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { MAINTENANCE_COLUMNS, type MaintenanceColumnKey } from "@/lib/list-views/list-columns";
import { readListPresentation } from "@/lib/list-views/list-preferences";
import { listMaintenance } from "@/lib/maintenance/maintenance-queries";
import { maintenanceQueryToSearchParams, type MaintenanceListQuery } from "@/lib/maintenance/maintenance-schemas";
import type { MaintenanceRow } from "@/lib/maintenance/maintenance-types";
import { farmCurrency, maintenancePeople } from "../maintenance-options";
import { FILTER_KEYS, rawParams, readListQuery, screenFarm, type RawSearchParams } from "../read-query";
import { maintenanceCounts, summaryHref } from "../summary";

export const metadata: Metadata = { title: "Maintenance list" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

/** How far a date is from today, in words: "in 3 days", "5 days late". */
function whenWords(row: MaintenanceRow, today: string): string {
  if (row.status === "done" || row.status === "cancelled") return "";
  const days = daysBetween(today, row.scheduledDate);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days > 0) return `in ${days} days`;
  return `${-days} ${days === -1 ? "day" : "days"} late`;
}

export default async function MaintenanceListPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requirePageActor("devices.read");
  const raw = rawParams(await searchParams);
  const { query: asked, ignored } = readListQuery(raw);
  const { farms, farmId, timeZone } = await screenFarm(actor, asked.farm);
  const query: MaintenanceListQuery = { ...asked, farm: farmId };
  const db = getDb();
  const [page, counts, people, currency, presentation] = await Promise.all([
    listMaintenance(db, actor, query),
    maintenanceCounts(db, actor, query),
    maintenancePeople(db, actor, farmId ?? null),
    farmId ? farmCurrency(db, farmId) : "EUR",
    readListPresentation(db, actor, "maintenance", raw),
  ]);
  const today = todayIn(timeZone);
  const activeCount = FILTER_KEYS.filter((key) => raw[key] !== undefined && raw[key] !== "" && !ignored.includes(key)).length + (asked.from || asked.to ? 1 : 0);
  const linkTo = (changes: Partial<MaintenanceListQuery>) => {
    const params = maintenanceQueryToSearchParams({ ...asked, ...changes });
    return params.size ? `/maintenance/list?${params}` : "/maintenance/list";
  };
  const showFarm = farms.length > 1 && farmId === undefined;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const range = asked.from && asked.to && asked.from.getTime() === asked.to.getTime() ? `on ${shortDay(asked.from)}` : asked.from || asked.to ? `${asked.from ? `from ${shortDay(asked.from)}` : ""} ${asked.to ? `to ${shortDay(asked.to)}` : ""}`.trim() : "";

  /** Every column a person may show, keyed as in lib/list-views/list-columns.ts. */
  const columnDefs: Record<MaintenanceColumnKey, { label: string; header: ReactNode; cell: (row: MaintenanceRow) => ReactNode }> = {
    date: {
      label: "Date",
      header: <th scope="col">Date</th>,
      cell: (row) => (
        <td className="whitespace-nowrap">
          <Link href={`/maintenance/${row.id}`} data-row-link className="font-medium text-brand-700 hover:underline">
            {shortDay(row.scheduledDate)} {row.scheduledDate.slice(0, 4)}
          </Link>
          {whenWords(row, today) ? <span className={`block text-xs ${shownStatus(row, today) === "overdue" ? "font-semibold text-red-800" : "text-stone-500"}`}>{whenWords(row, today)}</span> : null}
        </td>
      ),
    },
    work: {
      label: "Work",
      header: <th scope="col">Work</th>,
      cell: (row) => (
        <td className="max-w-sm">
          <MaintenanceTypeChip type={row.maintenanceType} />
          {row.planName ? (
            <Link href={`/maintenance/plans/${row.planId}`} className="mt-0.5 block truncate text-xs text-stone-600 hover:underline">
              {row.planName}
            </Link>
          ) : row.description ? (
            <span className="mt-0.5 block truncate text-xs text-stone-600">{row.description}</span>
          ) : null}
        </td>
      ),
    },
    device: {
      label: "Device",
      header: <th scope="col">Device</th>,
      cell: (row) => (
        <td>
          <Link href={`/devices/${row.deviceId}`} className="group">
            <span className="font-mono text-xs text-brand-700 group-hover:underline">{row.deviceId}</span> <span className="text-stone-800 group-hover:underline">{row.deviceName}</span>
          </Link>
          {showFarm ? <span className="block text-xs text-stone-500">{row.farmName}</span> : null}
        </td>
      ),
    },
    assignee: {
      label: "Assigned to",
      header: <th scope="col">Assigned to</th>,
      cell: (row) => <td className="text-stone-700">{row.assigneeName ?? <span className="text-stone-500">{row.status === "done" || row.status === "cancelled" ? "—" : "Nobody yet"}</span>}</td>,
    },
    status: {
      label: "Status",
      header: <th scope="col">Status</th>,
      cell: (row) => (
        <td>
          <MaintenanceStatusBadge status={shownStatus(row, today)} />
        </td>
      ),
    },
    cost: {
      label: "Cost",
      header: (
        <th scope="col" className="text-right">
          Cost
        </th>
      ),
      cell: (row) => <td className="text-right tabular-nums">{row.cost ? formatMoney(row.cost, currency) : ""}</td>,
    },
  };
  const columns = chosenColumns(presentation.columns, columnDefs);
  const chips = filterChipsFor(
    "/maintenance/list",
    raw,
    [{ name: "device", label: "Device" }, ...maintenanceFilterFields({ farms, people, withDue: true }), { name: "plan", label: "Plan" }, { name: "from", label: "From" }, { name: "to", label: "To" }],
    ignored,
  );

  return (
    <>
      <PageHeader
        title="Maintenance"
        description={`${page.total.toLocaleString("en")}${page.totalCapped ? "+" : ""} ${page.total === 1 ? "job" : "jobs"}${activeCount ? " match the filters" : ""}${range ? ` ${range}` : ""} · ${asked.dir === "desc" ? "newest first" : "soonest first"}`}
        actions={
          can(actor.role, "maintenance.plan") ? (
            <Link href="/maintenance/plans/new" className="inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800">
              Plan work
            </Link>
          ) : null
        }
      />
      <MaintenanceTabs current="list" showToday={can(actor.role, "maintenance.write")} />
      <MaintenanceSummary counts={counts} hrefFor={(chip) => summaryHref(query, chip)} />
      <MaintenanceFilters fields={maintenanceFilterFields({ farms, people, withDue: true })} activeCount={activeCount} />
      <ListFrame actor={actor} list="maintenance" params={raw} searchInputId="filter-device" presentation={presentation} columns={toolbarColumns(MAINTENANCE_COLUMNS, (key) => columnDefs[key].label)} chips={chips}>
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and were ignored: {ignored.join(", ")}.
        </p>
      ) : null}
      <p className="mb-2 text-right text-xs">
        <Link href={linkTo({ dir: asked.dir === "desc" ? "asc" : "desc", page: 1 })} className="text-brand-700 underline">
          {asked.dir === "desc" ? "Soonest first" : "Newest first"}
        </Link>
      </p>

      {page.rows.length === 0 ? (
        <EmptyState title={activeCount ? "No maintenance matches these filters" : "No maintenance yet"}>
          <p>Work appears here when a plan makes it (a day ahead up to its horizon) or when someone plans a one-off job.</p>
          {activeCount ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/maintenance/list">
                Clear the filters
              </Link>
            </p>
          ) : can(actor.role, "maintenance.plan") ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/maintenance/plans/new">
                Plan maintenance
              </Link>
            </p>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="Maintenance">
            {page.rows.map((row) => (
              <li key={row.id} className={shownStatus(row, today) === "overdue" ? "border-l-4 border-l-red-600" : ""} data-testid="maintenance-row">
                <Link href={`/maintenance/${row.id}`} className="block px-3 py-2.5 text-sm">
                  <span className="flex items-center justify-between gap-2">
                    <span className="min-w-0 truncate">
                      <span className="font-mono font-medium text-stone-900">{row.deviceId}</span> <span className="text-stone-700">{row.deviceName}</span>
                    </span>
                    <MaintenanceStatusBadge status={shownStatus(row, today)} />
                  </span>
                  <span className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-stone-600">
                    <MaintenanceTypeChip type={row.maintenanceType} />
                    <span className={shownStatus(row, today) === "overdue" ? "font-semibold text-red-800" : ""}>
                      {shortDay(row.scheduledDate)}
                      {whenWords(row, today) ? ` · ${whenWords(row, today)}` : ""}
                    </span>
                    <span>{row.assigneeName ?? "unassigned"}</span>
                    {showFarm ? <span>{row.farmName}</span> : null}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <div className="sticky-table hidden max-h-[calc(100dvh-4rem)] overflow-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table data-list-rows className={`w-full text-sm [&_td]:px-2.5 [&_td]:py-2 [&_th]:px-2.5 [&_th]:py-2 ${columns.length > 4 ? "min-w-[900px]" : ""}`}>
              <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  {columns.map((column) => (
                    <Fragment key={column.key}>{column.header}</Fragment>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.rows.map((row) => (
                  <tr key={row.id} tabIndex={-1} data-list-row className={`list-row align-top hover:bg-stone-50 ${shownStatus(row, today) === "overdue" ? "bg-red-50/60" : ""}`} data-testid="maintenance-row">
                    {columns.map((column) => (
                      <Fragment key={column.key}>{column.cell(row)}</Fragment>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      </ListFrame>
      <DeviceListPagination page={page.page} pages={pages} pageSize={page.pageSize} total={page.total} hrefFor={({ page: pageNumber, pageSize }) => linkTo({ page: pageNumber ?? asked.page, pageSize: pageSize ?? asked.pageSize })} />
    </>
  );
}
