import type { Metadata } from "next";
import Link from "next/link";
import { AlertStateBadge, SeverityBadge } from "@/components/alerts/alert-badges";
import { AlertListFilters, type AlertFilterField } from "@/components/alerts/alert-list-filters";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TimeAgo } from "@/components/ui/time-ago";
import { ALERT_SEVERITIES, ALERT_SEVERITY_LABEL, ALERT_STATE_FILTER_LABEL, ALERT_STATE_FILTERS, ALERT_TYPE_LABEL, ALERT_TYPES } from "@/lib/alerts/alert-fields";
import { listAlerts, type ListedAlert } from "@/lib/alerts/alert-list";
import { alertListQuerySchema, alertQueryToSearchParams, type AlertListQuery } from "@/lib/alerts/alert-schemas";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

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
  const [page, farms, options] = await Promise.all([listAlerts(db, actor, query), visibleFarms(actor), readDeviceListOptions(db, actor)]);

  const fields: AlertFilterField[] = [
    ...(farms.length > 1 ? [{ name: "farm", label: "Farm", allLabel: "All farms", options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
    { name: "severity", label: "Severity", allLabel: "Any severity", options: ALERT_SEVERITIES.map((severity) => ({ value: severity, label: ALERT_SEVERITY_LABEL[severity] })) },
    { name: "type", label: "Type", allLabel: "Any type", options: ALERT_TYPES.map((type) => ({ value: type, label: ALERT_TYPE_LABEL[type] })) },
    // "open" is the default, so it is the empty choice and stays out of the URL
    { name: "state", label: "State", allLabel: ALERT_STATE_FILTER_LABEL.open, options: ALERT_STATE_FILTERS.filter((state) => state !== "open").map((state) => ({ value: state, label: ALERT_STATE_FILTER_LABEL[state] })) },
    { name: "group", label: "Group (incl. sub-groups)", allLabel: "Any group", options: options.groups.map((group) => ({ value: String(group.id), label: group.label })) },
  ];
  const activeCount = FILTER_KEYS.filter((key) => raw[key] !== undefined && raw[key] !== "" && !ignored.includes(key)).length;
  const linkTo = (changes: Partial<AlertListQuery>) => {
    const params = alertQueryToSearchParams({ ...asked, ...changes });
    return params.size ? `/alerts?${params}` : "/alerts";
  };
  const oneFarm = farms.length === 1 || query.farm !== undefined;
  const stateWord = query.state === "open" ? "open" : query.state === "all" ? "" : ALERT_STATE_FILTER_LABEL[query.state].toLowerCase();

  return (
    <>
      <PageHeader
        title="Alerts"
        description={`${page.total.toLocaleString("en")} ${stateWord ? `${stateWord} ` : ""}${page.total === 1 ? "alert" : "alerts"}${activeCount ? " match the filters" : ""}${page.total > 1 ? " · open critical first, then the newest" : ""}`}
        actions={<AutoRefresh seconds={10} />}
      />
      <AlertListFilters fields={fields} activeCount={activeCount} />
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and were ignored: {ignored.join(", ")}.
        </p>
      ) : null}

      {page.items.length === 0 ? (
        <EmptyState title={activeCount ? "No alert matches these filters" : "No open alerts"}>
          <p>
            The health monitor raises an alert when a device goes offline, its battery runs low, its signal is poor, it reports errors, its calibration is overdue or a
            firmware update fails, and when too many devices of a group are offline. It closes the alert by itself once the cause is gone.
          </p>
          {activeCount ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/alerts">
                Clear the filters
              </Link>
              {query.state !== "all" ? (
                <>
                  {" · "}
                  <Link className="text-brand-700 underline" href={linkTo({ state: "all", page: 1 })}>
                    Include resolved alerts
                  </Link>
                </>
              ) : null}
            </p>
          ) : (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href={linkTo({ state: "resolved", page: 1 })}>
                See resolved alerts
              </Link>
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="Alerts">
            {page.items.map((alert) => (
              <li key={alert.id} className="px-3 py-2.5 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <Link href={`/alerts/${alert.id}`} className="min-w-0 truncate font-medium text-stone-900">
                    {ALERT_TYPE_LABEL[alert.alertType]}
                  </Link>
                  <SeverityBadge severity={alert.severity} />
                </div>
                <p className="mt-0.5 text-xs text-stone-600">
                  <Subject alert={alert} showFarm={!oneFarm} />
                </p>
                {alert.message ? <p className="mt-1 line-clamp-2 text-stone-700">{alert.message}</p> : null}
                <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
                  <AlertStateBadge state={alert.state} />
                  <span>
                    ×{alert.occurrenceCount} · first <TimeAgo date={alert.firstOccurrence} /> · last <TimeAgo date={alert.lastOccurrence} />
                  </span>
                  {alert.acknowledgedBy ? <span>ack. by {alert.acknowledgedBy}</span> : null}
                </div>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table className="w-full min-w-[900px] text-sm [&_td]:px-2.5 [&_td]:py-2 [&_th]:px-2.5 [&_th]:py-2">
              <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Device or group</th>
                  <th scope="col" className="text-right">
                    Times
                  </th>
                  <th scope="col">First</th>
                  <th scope="col">Last</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.items.map((alert) => (
                  <tr key={alert.id} className="align-top hover:bg-stone-50">
                    <td>
                      <SeverityBadge severity={alert.severity} />
                    </td>
                    <td className="max-w-md">
                      <Link href={`/alerts/${alert.id}`} className="font-medium text-brand-700 hover:underline">
                        {ALERT_TYPE_LABEL[alert.alertType]}
                      </Link>
                      {alert.message ? <span className="block text-xs text-stone-600">{alert.message}</span> : null}
                    </td>
                    <td>
                      <Subject alert={alert} showFarm={!oneFarm} />
                    </td>
                    <td className="text-right tabular-nums">{alert.occurrenceCount}</td>
                    <td className="text-xs whitespace-nowrap text-stone-600">
                      <TimeAgo date={alert.firstOccurrence} />
                    </td>
                    <td className="text-xs whitespace-nowrap text-stone-600">
                      <TimeAgo date={alert.lastOccurrence} />
                    </td>
                    <td className="whitespace-nowrap">
                      <AlertStateBadge state={alert.state} />
                      {alert.state === "acknowledged" && alert.acknowledgedBy ? <span className="block text-xs text-stone-500">by {alert.acknowledgedBy}</span> : null}
                      {alert.state === "resolved" ? <span className="block text-xs text-stone-500">{alert.autoResolved ? "by itself" : alert.resolvedBy ? `by ${alert.resolvedBy}` : null}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <DeviceListPagination page={page.page} pages={page.pages} pageSize={page.pageSize} total={page.total} hrefFor={({ page: pageNumber, pageSize }) => linkTo({ page: pageNumber ?? asked.page, pageSize: pageSize ?? asked.pageSize })} />
    </>
  );
}

/** The device (a link to its page) or, for a group alert, the group. */
function Subject({ alert, showFarm }: { alert: ListedAlert; showFarm: boolean }) {
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
        Group {alert.group.name}
        {showFarm ? <span className="text-xs text-stone-500"> · {alert.group.farm?.code ?? "all farms"}</span> : null}
      </span>
    );
  }
  return <span className="text-stone-400">—</span>;
}
