import type { Metadata } from "next";
import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { getFormatter, getTranslations } from "next-intl/server";
import { AlertStateBadge, SeverityBadge } from "@/components/alerts/alert-badges";
import { chosenColumns, toolbarColumns } from "@/components/lists/chosen-columns";
import { filterChipsFor } from "@/components/lists/filter-chips";
import { ListFrame } from "@/components/lists/list-frame";
import { AlertListFilters, type AlertFilterField } from "@/components/alerts/alert-list-filters";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TimeAgo } from "@/components/ui/time-ago";
import { ALERT_SEVERITIES, ALERT_STATE_FILTERS, ALERT_TYPE_LABEL, ALERT_TYPES } from "@/lib/alerts/alert-fields";
import { listAlerts, type ListedAlert } from "@/lib/alerts/alert-list";
import { alertListQuerySchema, alertQueryToSearchParams, type AlertListQuery } from "@/lib/alerts/alert-schemas";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { ALERT_COLUMNS, type AlertColumnKey } from "@/lib/list-views/list-columns";
import { readListPresentation } from "@/lib/list-views/list-preferences";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("alerts"))("title") };
}
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

/**
 * A URL written by hand or kept from an older version may hold a filter we do not understand:
 * the page drops those parameters, says so, and shows the rest rather than failing.
 */
function readQuery(raw: Record<string, unknown>): { query: AlertListQuery; ignored: string[] } {
  const first = alertListQuerySchema.safeParse(raw);
  if (first.success) return { query: first.data, ignored: [] };
  const ignored = [...new Set(first.error.issues.map((issue) => String(issue.path[0] ?? "")))].filter(Boolean);
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([key]) => !ignored.includes(key)));
  return { query: alertListQuerySchema.parse(cleaned), ignored };
}

const FILTER_KEYS = ["farm", "severity", "type", "state", "device", "group"] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("alerts.read");
  const raw = searchParamsToObject(await searchParams);
  const { query: asked, ignored } = readQuery(raw);
  // The farm switcher in the shell narrows every page; a farm in the URL wins over it.
  const query: AlertListQuery = { ...asked, farm: asked.farm ?? (await selectedFarmId(actor)) ?? undefined };
  const db = getDb();
  const [page, farms, options, presentation] = await Promise.all([listAlerts(db, actor, query), visibleFarms(actor), readDeviceListOptions(db, actor), readListPresentation(db, actor, "alerts", raw)]);

  const [t, tf, tEnum, tCommon, format] = await Promise.all([getTranslations("alerts"), getTranslations("alerts.filter"), getTranslations("enums"), getTranslations("common"), getFormatter()]);
  const typeLabel = (type: string) => (tEnum.has(`alertType.${type}`) ? tEnum(`alertType.${type}`) : ((ALERT_TYPE_LABEL as Record<string, string>)[type] ?? type));
  const fields: AlertFilterField[] = [
    ...(farms.length > 1 ? [{ name: "farm", label: tf("farm"), allLabel: tf("allFarms"), options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
    { name: "severity", label: tf("severity"), allLabel: tf("anySeverity"), options: ALERT_SEVERITIES.map((severity) => ({ value: severity, label: tEnum(`alertSeverity.${severity}`) })) },
    { name: "type", label: tf("type"), allLabel: tf("anyType"), options: ALERT_TYPES.map((type) => ({ value: type, label: typeLabel(type) })) },
    // "open" is the default, so it is the empty choice and stays out of the URL
    { name: "state", label: tf("state"), allLabel: tEnum("alertStateFilter.open"), options: ALERT_STATE_FILTERS.filter((state) => state !== "open").map((state) => ({ value: state, label: tEnum(`alertStateFilter.${state}`) })) },
    { name: "group", label: tf("group"), allLabel: tf("anyGroup"), options: options.groups.map((group) => ({ value: String(group.id), label: group.label })) },
  ];
  const activeCount = FILTER_KEYS.filter((key) => raw[key] !== undefined && raw[key] !== "" && !ignored.includes(key)).length;
  const linkTo = (changes: Partial<AlertListQuery>) => {
    const params = alertQueryToSearchParams({ ...asked, ...changes });
    return params.size ? `/alerts?${params}` : "/alerts";
  };
  const oneFarm = farms.length === 1 || query.farm !== undefined;
  const counted = query.state === "all" ? t("count", { count: page.total }) : t("countState", { count: page.total, state: t(`stateWord.${query.state}`) });
  const description = [counted + (activeCount ? ` ${t("matchFilters")}` : ""), page.total > 1 ? t("orderNote") : null].filter(Boolean).join(" · ");

  const subject = (alert: ListedAlert) => <Subject alert={alert} showFarm={!oneFarm} groupWord={(name) => tCommon("groupNamed", { name })} allFarms={tCommon("allFarms")} />;
  /** Every column a person may show, keyed as in lib/list-views/list-columns.ts. */
  const columnDefs: Record<AlertColumnKey, { label: string; header: ReactNode; cell: (alert: ListedAlert) => ReactNode }> = {
    severity: { label: t("column.severity"), header: <th scope="col">{t("column.severity")}</th>, cell: (alert) => <td><SeverityBadge severity={alert.severity} /></td> },
    alert: {
      label: t("column.alert"),
      header: <th scope="col">{t("column.alert")}</th>,
      cell: (alert) => (
        <td className="max-w-md">
          <Link href={`/alerts/${alert.id}`} data-row-link className="font-medium text-brand-700 hover:underline">
            {typeLabel(alert.alertType)}
          </Link>
          {alert.message ? <span className="block text-xs text-stone-600">{alert.message}</span> : null}
        </td>
      ),
    },
    subject: { label: t("column.subject"), header: <th scope="col">{t("column.subject")}</th>, cell: (alert) => <td>{subject(alert)}</td> },
    occurrences: {
      label: t("column.times"),
      header: (
        <th scope="col" className="text-right">
          {t("column.times")}
        </th>
      ),
      cell: (alert) => <td className="text-right tabular-nums">{format.number(alert.occurrenceCount)}</td>,
    },
    first: { label: t("column.first"), header: <th scope="col">{t("column.first")}</th>, cell: (alert) => <td className="text-xs whitespace-nowrap text-stone-600"><TimeAgo date={alert.firstOccurrence} /></td> },
    last: { label: t("column.last"), header: <th scope="col">{t("column.last")}</th>, cell: (alert) => <td className="text-xs whitespace-nowrap text-stone-600"><TimeAgo date={alert.lastOccurrence} /></td> },
    state: {
      label: t("column.state"),
      header: <th scope="col">{t("column.state")}</th>,
      cell: (alert) => (
        <td className="whitespace-nowrap">
          <AlertStateBadge state={alert.state} />
          {alert.state === "acknowledged" && alert.acknowledgedBy ? <span className="block text-xs text-stone-500">{tCommon("byPerson", { name: alert.acknowledgedBy })}</span> : null}
          {alert.state === "resolved" ? <span className="block text-xs text-stone-500">{alert.autoResolved ? tCommon("byItself") : alert.resolvedBy ? tCommon("byPerson", { name: alert.resolvedBy }) : null}</span> : null}
        </td>
      ),
    },
  };
  const columns = chosenColumns(presentation.columns, columnDefs);
  const chips = filterChipsFor("/alerts", raw, [{ name: "device", label: t("deviceId") }, ...fields], ignored);

  return (
    <>
      <PageHeader
        title={t("title")}
        description={description}
        actions={<AutoRefresh seconds={10} />}
      />
      <AlertListFilters fields={fields} activeCount={activeCount} />
      <ListFrame
        actor={actor}
        list="alerts"
        params={raw}
        searchInputId="filter-device"
        presentation={presentation}
        columns={toolbarColumns(ALERT_COLUMNS, (key) => columnDefs[key].label)}
        chips={chips}
      >
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {tCommon("filtersIgnored", { names: ignored.join(", ") })}
        </p>
      ) : null}

      {page.items.length === 0 ? (
        <EmptyState title={activeCount ? t("noMatch") : t("noOpen")}>
          <p>{t("explain")}</p>
          {activeCount ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/alerts">
                {tCommon("clearFilters")}
              </Link>
              {query.state !== "all" ? (
                <>
                  {" · "}
                  <Link className="text-brand-700 underline" href={linkTo({ state: "all", page: 1 })}>
                    {t("includeResolved")}
                  </Link>
                </>
              ) : null}
            </p>
          ) : (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href={linkTo({ state: "resolved", page: 1 })}>
                {t("seeResolved")}
              </Link>
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label={t("title")}>
            {page.items.map((alert) => (
              <li key={alert.id} className="px-3 py-2.5 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <Link href={`/alerts/${alert.id}`} className="min-w-0 truncate font-medium text-stone-900">
                    {typeLabel(alert.alertType)}
                  </Link>
                  <SeverityBadge severity={alert.severity} />
                </div>
                <p className="mt-0.5 text-xs text-stone-600">
                  <Subject alert={alert} showFarm={!oneFarm} groupWord={(name) => tCommon("groupNamed", { name })} allFarms={tCommon("allFarms")} />
                </p>
                {alert.message ? <p className="mt-1 line-clamp-2 text-stone-700">{alert.message}</p> : null}
                <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
                  <AlertStateBadge state={alert.state} />
                  <span>
                    {t.rich("occurrences", { count: format.number(alert.occurrenceCount), first: () => <TimeAgo date={alert.firstOccurrence} />, last: () => <TimeAgo date={alert.lastOccurrence} /> })}
                  </span>
                  {alert.acknowledgedBy ? <span>{t("acknowledgedBy", { name: alert.acknowledgedBy })}</span> : null}
                </div>
              </li>
            ))}
          </ul>
          <div className="sticky-table hidden max-h-[calc(100dvh-4rem)] overflow-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table data-list-rows className={`w-full text-sm ${columns.length > 4 ? "min-w-[900px]" : ""} [&_td]:px-2.5 [&_td]:py-2 [&_th]:px-2.5 [&_th]:py-2`}>
              <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  {columns.map((column) => (
                    <Fragment key={column.key}>{column.header}</Fragment>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.items.map((alert) => (
                  <tr key={alert.id} className="list-row align-top hover:bg-stone-50" tabIndex={-1} data-list-row>
                    {columns.map((column) => (
                      <Fragment key={column.key}>{column.cell(alert)}</Fragment>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      </ListFrame>
      <DeviceListPagination page={page.page} pages={page.pages} pageSize={page.pageSize} total={page.total} hrefFor={({ page: pageNumber, pageSize }) => linkTo({ page: pageNumber ?? asked.page, pageSize: pageSize ?? asked.pageSize })} />
    </>
  );
}

/** The device (a link to its page) or, for a group alert, the group. */
function Subject({ alert, showFarm, groupWord, allFarms }: { alert: ListedAlert; showFarm: boolean; groupWord: (name: string) => string; allFarms: string }) {
  if (alert.device) {
    return (
      <Link href={`/devices/${alert.device.deviceId}`} className="group">
        <span className="font-mono text-xs text-brand-700 group-hover:underline">{alert.device.deviceId}</span> <span className="text-stone-800 group-hover:underline">{alert.device.name}</span>
        {showFarm ? <span className="text-xs text-stone-500"> · {alert.device.farm.code}</span> : null}
      </Link>
    );
  }
  if (alert.group) {
    return (
      <span className="text-stone-800">
        {groupWord(alert.group.name)}
        {showFarm ? <span className="text-xs text-stone-500"> · {alert.group.farm?.code ?? allFarms}</span> : null}
      </span>
    );
  }
  return <span className="text-stone-500">—</span>;
}
