import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { AlertActionsPanel } from "@/components/alerts/alert-actions-panel";
import { AlertStateBadge, SeverityBadge } from "@/components/alerts/alert-badges";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { TimeAgo } from "@/components/ui/time-ago";
import { ALERT_TYPE_LABEL } from "@/lib/alerts/alert-fields";
import { getAlert, type AlertDetail } from "@/lib/alerts/alert-list";
import { alertIdSchema } from "@/lib/alerts/alert-schemas";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { isExpectedError } from "@/lib/errors";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Alert ${(await params).id}` };
}

/** Another farm's alert and a malformed id are both simply "not found". */
async function loadAlert(raw: string, actor: Awaited<ReturnType<typeof requirePageActor>>): Promise<AlertDetail> {
  const id = alertIdSchema.safeParse(raw);
  if (!id.success) notFound();
  try {
    return await getAlert(getDb(), actor, id.data);
  } catch (error) {
    if (isExpectedError(error) && error.status === 404) notFound();
    throw error;
  }
}

const ACTION_LABEL: Record<string, string> = { acknowledge: "Acknowledged", resolve: "Resolved", auto_resolve: "Resolved by itself", raise: "Raised" };

export default async function AlertPage({ params }: Props) {
  const actor = await requirePageActor("alerts.read");
  const alert = await loadAlert((await params).id, actor);
  const canManage = can(actor.role, "alerts.manage");
  const subject = alert.device ? `${alert.device.deviceId} ${alert.device.name}` : alert.group ? `group ${alert.group.name}` : "";

  return (
    <div className="space-y-5">
      <div>
        <Link href="/alerts" className="text-sm text-brand-700 hover:underline">
          ← Alerts
        </Link>
        <div className="mt-1 flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{ALERT_TYPE_LABEL[alert.alertType]}</h1>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600">
              <SeverityBadge severity={alert.severity} />
              <AlertStateBadge state={alert.state} />
              <span>
                Alert {alert.id}
                {subject ? ` · ${subject}` : ""}
              </span>
            </p>
          </div>
          <AutoRefresh seconds={15} />
        </div>
      </div>

      {alert.message ? <p className="rounded-xl border border-stone-200 bg-white px-4 py-3 text-stone-800 shadow-sm">{alert.message}</p> : null}

      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Occurrences">
          <Facts>
            <Fact label="Times found">{alert.occurrenceCount}</Fact>
            <Fact label="First">
              <TimeAgo date={alert.firstOccurrence} /> <Exact date={alert.firstOccurrence} />
            </Fact>
            <Fact label="Last">
              <TimeAgo date={alert.lastOccurrence} /> <Exact date={alert.lastOccurrence} />
            </Fact>
          </Facts>
        </Card>

        {alert.device ? (
          <Card title="Device now">
            <Facts>
              <Fact label="Device">
                <Link href={`/devices/${alert.device.deviceId}`} className="text-brand-700 hover:underline">
                  <span className="font-mono text-xs">{alert.device.deviceId}</span> {alert.device.name}
                </Link>
                <span className="block text-xs text-stone-500">
                  {DEVICE_TYPE_LABEL[alert.device.deviceType]} · {alert.device.farm.name}
                  {alert.device.group ? ` · ${alert.device.group.name}` : ""}
                </span>
              </Fact>
              <Fact label="Health">
                <HealthBadge status={alert.device.healthStatus} />
                {alert.device.healthStatus === "unknown" ? null : <span className="ml-1 text-xs text-stone-500 tabular-nums">score {Math.round(alert.device.healthScore)}</span>}
                {alert.device.maintenanceMode ? <span className="ml-1 rounded-full bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-900">Maintenance</span> : null}
              </Fact>
              <Fact label="Connection">
                <ConnectionBadge status={alert.device.connectionStatus} /> <span className="text-xs text-stone-500">seen <TimeAgo date={alert.device.lastSeen} /></span>
              </Fact>
              <Fact label="Battery · signal">
                {alert.device.batteryLevel === null ? "—" : `${alert.device.batteryLevel.toFixed(0)} %`} · {alert.device.signalStrength === null ? "—" : `${alert.device.signalStrength} dBm`}
              </Fact>
            </Facts>
            <p className="mt-3 text-sm">
              <Link href={`/alerts?device=${alert.device.deviceId}&state=all`} className="text-brand-700 hover:underline">
                All alerts of this device
              </Link>
            </p>
          </Card>
        ) : alert.group ? (
          <Card title="Group">
            <Facts>
              <Fact label="Group">
                <Link href={`/groups/${alert.group.id}`} className="text-brand-700 hover:underline">
                  {alert.group.name}
                </Link>
                <span className="block text-xs text-stone-500">{alert.group.farm ? alert.group.farm.name : "All farms"}</span>
              </Fact>
              <Fact label="Offline alert threshold">{alert.group.offlineAlertThreshold} offline devices</Fact>
            </Facts>
            <p className="mt-3 text-sm">
              <Link href={`/devices?group=${alert.group.id}&connection=offline`} className="text-brand-700 hover:underline">
                Offline devices of this group
              </Link>
            </p>
          </Card>
        ) : null}

      </div>

      {canManage && alert.state !== "resolved" ? (
        <Card title="Handle this alert">
          <AlertActionsPanel alertId={alert.id} state={alert.state} />
        </Card>
      ) : null}

      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Acknowledged">
          {alert.acknowledgedAt ? (
            <Facts>
              <Fact label="By">{alert.acknowledgedBy ?? "—"}</Fact>
              <Fact label="At">
                <TimeAgo date={alert.acknowledgedAt} /> <Exact date={alert.acknowledgedAt} />
              </Fact>
              <Fact label="Notes">{alert.acknowledgeNotes ? <Notes text={alert.acknowledgeNotes} /> : <span className="text-stone-500">none</span>}</Fact>
            </Facts>
          ) : (
            <p className="text-sm text-stone-500">Not acknowledged{alert.state === "resolved" ? " (resolved directly)" : " yet"}.</p>
          )}
        </Card>

        <Card title="Resolved">
          {alert.resolvedAt ? (
            <>
              {alert.autoResolved ? (
                <p className="mb-2 rounded-md bg-green-50 px-3 py-2 text-sm text-green-900">Resolved by itself: the health monitor no longer found the cause.</p>
              ) : null}
              <Facts>
                <Fact label="By">{alert.resolvedBy ?? "—"}</Fact>
                <Fact label="At">
                  <TimeAgo date={alert.resolvedAt} /> <Exact date={alert.resolvedAt} />
                </Fact>
                <Fact label="Notes">{alert.resolutionNotes ? <Notes text={alert.resolutionNotes} /> : <span className="text-stone-500">none</span>}</Fact>
              </Facts>
            </>
          ) : (
            <p className="text-sm text-stone-500">Open. The health monitor resolves it by itself when the cause goes away, or someone resolves it with a note.</p>
          )}
        </Card>
      </div>

      {alert.history.length ? (
        <Card title="History">
          <ol className="divide-y divide-stone-100 text-sm">
            {alert.history.map((entry) => (
              <li key={entry.id} className="py-2">
                <span className="font-medium text-stone-800">{ACTION_LABEL[entry.action] ?? entry.action}</span> <span className="text-stone-600">by {entry.who}</span>{" "}
                <span className="text-xs text-stone-500">
                  <TimeAgo date={entry.at} />
                </span>
                {entry.notes ? <Notes text={entry.notes} /> : null}
              </li>
            ))}
          </ol>
        </Card>
      ) : null}
    </div>
  );
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-[minmax(0,9rem)_1fr] gap-x-3 gap-y-2 text-sm">{children}</dl>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-stone-500">{label}</dt>
      <dd className="min-w-0 text-stone-900">{children}</dd>
    </>
  );
}

function Exact({ date }: { date: Date }) {
  return <span className="block text-xs text-stone-500">{date.toISOString().replace("T", " ").slice(0, 16)} UTC</span>;
}

function Notes({ text }: { text: string }) {
  return <p className="mt-0.5 whitespace-pre-line text-stone-700">{text}</p>;
}
