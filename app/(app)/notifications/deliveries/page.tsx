import type { Metadata } from "next";
import Link from "next/link";
import { retryDeliveryAction } from "@/app/(app)/notifications/actions";
import { ActionButton } from "@/components/notifications/action-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { visibleFarms } from "@/lib/farms/farm-scope";
import { clockFor, formatDateTime, type Clock } from "@/lib/i18n/format";
import { listDeliveries, type DeliveryView } from "@/lib/notifications/deliveries";
import { deliveryListQuerySchema, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from "@/lib/notifications/notification-schemas";

export const metadata: Metadata = { title: "Delivery log" };
export const dynamic = "force-dynamic";

const STATUS = {
  queued: { label: "Queued", className: "bg-sky-100 text-sky-900", icon: "◌" },
  held: { label: "Held (quiet hours)", className: "bg-indigo-100 text-indigo-900", icon: "☾" },
  digest: { label: "For the digest", className: "bg-indigo-100 text-indigo-900", icon: "≡" },
  sent: { label: "Sent", className: "bg-green-100 text-green-800", icon: "✓" },
  failed: { label: "Failed", className: "bg-red-100 text-red-800", icon: "✕" },
  cancelled: { label: "Cancelled", className: "bg-stone-200 text-stone-700", icon: "–" },
} as const;
const KIND = { email: "E-mail", webhook: "Webhook", in_app: "In-app" } as const;

function StatusBadge({ status }: { status: DeliveryView["status"] }) {
  const item = STATUS[status];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${item.className}`}>
      <span aria-hidden>{item.icon}</span>
      {item.label}
    </span>
  );
}

function recipient(row: DeliveryView) {
  if (!row.recipient) return "—";
  if (row.recipient.kind === "user") return `${row.recipient.name} <${row.recipient.email}>`;
  return `${row.recipient.name} (${row.recipient.address ?? row.recipient.urlHost ?? "channel"})`;
}

function Attempts({ row, clock }: { row: DeliveryView; clock: Clock }) {
  if (row.deliveries.length === 0 && row.kind === "in_app" && row.status === "sent") return <p className="text-xs text-stone-500">Shown in the app</p>;
  if (row.deliveries.length === 0) return <p className="text-xs text-stone-500">No attempt yet{row.status === "queued" || row.status === "held" ? ` — next at ${formatDateTime(row.nextAttemptAt, clock)}` : ""}.</p>;
  return (
    <details>
      <summary className="cursor-pointer text-xs font-medium text-brand-700">
        {row.deliveries.length} {row.deliveries.length === 1 ? "attempt" : "attempts"}
      </summary>
      <ol className="mt-1 space-y-1 text-xs">
        {row.deliveries.map((attempt) => (
          <li key={attempt.attempt} className="rounded bg-stone-50 px-2 py-1">
            <span className={attempt.ok ? "text-green-800" : "text-red-800"}>
              #{attempt.attempt} {attempt.ok ? "ok" : "failed"}
            </span>{" "}
            · {formatDateTime(attempt.at, clock, { seconds: true })} · {attempt.durationMs} ms{attempt.responseCode !== null ? ` · code ${attempt.responseCode}` : ""}
            {attempt.error ? <span className="block break-words text-red-800">{attempt.error}</span> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Every notification the farm sent or tried to send: status, attempts, last error, each attempt; "Retry now" on failed ones. */
export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("notifications.manage");
  const raw = searchParamsToObject(await searchParams);
  const parsed = deliveryListQuerySchema.safeParse(raw);
  const parsedFilters = parsed.success ? parsed.data : deliveryListQuerySchema.parse({});
  // A farm-bound manager sees their own farm whatever the address says.
  const filters = farmScope(actor) !== null ? { ...parsedFilters, farm: undefined } : parsedFilters;
  const db = getDb();
  const [log, farms, person] = await Promise.all([
    listDeliveries(db, actor, filters),
    visibleFarms(actor),
    db.user.findUnique({ where: { id: actor.id }, select: { locale: true, timezone: true } }),
  ]);
  const farmOf = new Map(farms.map((farm) => [farm.id, farm]));
  const clockOf = (row: DeliveryView) => clockFor(person, row.farmId ? farmOf.get(row.farmId) : null);
  const pages = Math.max(1, Math.ceil(log.total / log.pageSize));
  const pageLink = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value !== undefined && key !== "page" && !(key === "pageSize" && value === 25)) params.set(key, String(value));
    if (page > 1) params.set("page", String(page));
    const query = params.toString();
    return query ? `/notifications/deliveries?${query}` : "/notifications/deliveries";
  };
  const select = "rounded-md border border-stone-300 bg-white px-2 py-2 text-sm";

  return (
    <>
      <PageHeader
        title="Delivery log"
        description="Every mail, webhook call and in-app notification: whether it went out, each attempt, and why one failed. A failed one can be sent again now."
        actions={
          <Link href="/notifications/settings" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Notification settings
          </Link>
        }
      />
      <form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-xl border border-stone-200 bg-white p-3 shadow-sm sm:flex sm:flex-wrap sm:items-end" aria-label="Filters">
        <label className="text-xs font-medium text-stone-600">
          Status
          <select name="status" defaultValue={filters.status ?? ""} className={`${select} mt-1 block w-full`}>
            <option value="">Any</option>
            {NOTIFICATION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS[status].label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-stone-600">
          Kind
          <select name="kind" defaultValue={filters.kind ?? ""} className={`${select} mt-1 block w-full`}>
            <option value="">Any</option>
            {NOTIFICATION_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND[kind]}
              </option>
            ))}
          </select>
        </label>
        {farms.length > 1 ? (
          <label className="text-xs font-medium text-stone-600">
            Farm
            <select name="farm" defaultValue={filters.farm ?? ""} className={`${select} mt-1 block w-full`}>
              <option value="">Every farm</option>
              {farms.map((farm) => (
                <option key={farm.id} value={farm.id}>
                  {farm.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="text-xs font-medium text-stone-600">
          From
          <input type="date" name="from" defaultValue={filters.from ?? ""} className={`${select} mt-1 block w-full`} />
        </label>
        <label className="text-xs font-medium text-stone-600">
          To
          <input type="date" name="to" defaultValue={filters.to ?? ""} className={`${select} mt-1 block w-full`} />
        </label>
        <div className="col-span-2 flex gap-2 sm:col-span-1">
          <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
            Filter
          </button>
          <Link href="/notifications/deliveries" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Clear
          </Link>
        </div>
      </form>
      {!parsed.success ? (
        <p role="alert" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and are ignored.
        </p>
      ) : null}
      <p className="mb-2 text-sm text-stone-600">
        {log.total} {log.total === 1 ? "notification" : "notifications"}
        {pages > 1 ? ` · page ${log.page} of ${pages}` : ""}
      </p>
      {log.data.length === 0 ? (
        <EmptyState title="Nothing to show">No notification matches these filters. Notifications appear here once an alert matches a rule, or after “Send test” on a channel.</EmptyState>
      ) : (
        <>
          <DataTable className="hidden md:block" minWidth={960} columns={[{ label: "Made" }, { label: "Status" }, { label: "Kind" }, { label: "To" }, { label: "Subject" }, { label: "Attempts" }, { label: "Sent" }, { label: "" }]}>
            {log.data.map((row) => (
              <tr key={row.id} className="align-top" data-testid="delivery-row">
                <td className="px-3 py-2 whitespace-nowrap text-stone-600">{formatDateTime(row.createdAt, clockOf(row))}</td>
                <td className="px-3 py-2">
                  <StatusBadge status={row.status} />
                  {row.lastError && row.status !== "sent" ? <p className="mt-1 max-w-56 text-xs break-words text-red-800">{row.lastError}</p> : null}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {KIND[row.kind]}
                  {row.level > 0 ? <span className="block text-xs text-stone-500">Escalation level {row.level}</span> : null}
                </td>
                <td className="max-w-56 px-3 py-2 break-words">{recipient(row)}</td>
                <td className="px-3 py-2">
                  {row.subject}
                  <span className="block text-xs text-stone-500">
                    {row.farmName ?? "No farm"}
                    {row.ruleName ? ` · rule “${row.ruleName}”` : ""}
                    {row.alertId ? (
                      <>
                        {" · "}
                        <Link href={`/alerts/${row.alertId}`} className="text-brand-700 underline hover:no-underline">
                          alert #{row.alertId}
                        </Link>
                      </>
                    ) : null}
                  </span>
                </td>
                <td className="px-3 py-2">
                  <Attempts row={row} clock={clockOf(row)} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-stone-600">{row.sentAt ? formatDateTime(row.sentAt, clockOf(row)) : "—"}</td>
                <td className="px-3 py-2">{row.status === "failed" ? <ActionButton action={retryDeliveryAction} id={row.id} label="Retry now" busyLabel="Queueing…" done="Queued." tone="primary" /> : null}</td>
              </tr>
            ))}
          </DataTable>
          <ul className="space-y-2 md:hidden" aria-label="Notifications">
            {log.data.map((row) => (
              <li key={row.id} data-testid="delivery-card" className="rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <StatusBadge status={row.status} />
                  <span className="text-xs text-stone-500">
                    {KIND[row.kind]}
                    {row.level > 0 ? ` · level ${row.level}` : ""}
                  </span>
                  <span className="ml-auto text-xs text-stone-500">{formatDateTime(row.createdAt, clockOf(row))}</span>
                </div>
                <p className="mt-1 text-sm font-medium text-stone-900">{row.subject}</p>
                <p className="text-xs break-words text-stone-600">To {recipient(row)}</p>
                {row.lastError && row.status !== "sent" ? <p className="mt-1 text-xs break-words text-red-800">{row.lastError}</p> : null}
                {row.sentAt ? <p className="text-xs text-stone-500">Sent {formatDateTime(row.sentAt, clockOf(row))}</p> : null}
                <div className="mt-2">
                  <Attempts row={row} clock={clockOf(row)} />
                </div>
                {row.status === "failed" ? (
                  <div className="mt-2">
                    <ActionButton action={retryDeliveryAction} id={row.id} label="Retry now" busyLabel="Queueing…" done="Queued." tone="primary" />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
      {pages > 1 ? (
        <nav className="mt-4 flex gap-3 text-sm" aria-label="Pages">
          {log.page > 1 ? (
            <Link href={pageLink(log.page - 1)} className="font-medium text-brand-700 hover:underline">
              Newer
            </Link>
          ) : null}
          {log.page < pages ? (
            <Link href={pageLink(log.page + 1)} className="font-medium text-brand-700 hover:underline">
              Older
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
