import Link from "next/link";
import { formatDateTime } from "@/components/devices/device-values";
import { LiveRefresh } from "@/components/commands/live-refresh";
import type { DeviceConfiguration, VersionPage } from "@/lib/configuration/device-config";
import { ConfigSyncBadge } from "./config-sync-badge";
import { ConfigVersionList } from "./config-version-list";
import { DeviceConfigEditor } from "./device-config-editor";

const shortHash = (hash: string | null) => (hash ? hash.slice(0, 10) : "—");

/**
 * The device page's Configuration section (I-013 §5): whether the device runs what the app wants
 * (sync status, desired against reported version), the effective configuration as a form with the
 * source of each value, and its versions with diffs and rollback.
 */
export function DeviceConfigurationSection({ view, versions, canEdit, canManageLayers, timeZone, farmId, groupId, groupName }: { view: DeviceConfiguration; versions: VersionPage; canEdit: boolean; canManageLayers: boolean; timeZone: string; farmId: number; groupId: number | null; groupName: string | null }) {
  const { shadow } = view;
  const waiting = view.syncStatus === "pending" || view.syncStatus === "sent" || view.layerChangePending;
  return (
    <section id="configuration" aria-labelledby="configuration-heading" className="scroll-mt-4 space-y-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600 lg:col-span-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="configuration-heading" className="text-sm font-semibold text-stone-700">
          Configuration
        </h2>
        <span className="flex flex-wrap items-center gap-3 text-xs text-stone-500">
          <LiveRefresh active={waiting} seconds={5} label="Waiting for the device" />
          <span>
            {/* managers change the farm's and group's settings there; others read the sources beside each value */}
            Inherits from the type’s defaults, {canManageLayers ? <Link className="text-brand-700 underline" href={`/farms/${farmId}?type=${view.device.deviceType}#configuration`}>the farm</Link> : "the farm"}
            {groupId !== null ? (
              <>
                {" "}and{" "}
                {canManageLayers ? (
                  <Link className="text-brand-700 underline" href={`/groups/${groupId}/edit?type=${view.device.deviceType}#configuration`}>
                    {groupName ?? "its group"}
                  </Link>
                ) : (
                  (groupName ?? "its group")
                )}
              </>
            ) : null}
          </span>
        </span>
      </div>

      <div className="flex flex-wrap items-start gap-x-6 gap-y-2 rounded-lg bg-stone-50 p-3 text-sm" data-testid="config-sync">
        <div>
          <p className="text-xs text-stone-500">Sync status</p>
          <ConfigSyncBadge status={view.syncStatus} />
        </div>
        <div>
          <p className="text-xs text-stone-500">Desired</p>
          <p className="font-medium tabular-nums" data-testid="config-desired-version">
            {view.version > 0 ? `v${view.version}` : "none yet"} <span className="font-mono text-xs font-normal text-stone-500">{shortHash(view.hash)}</span>
          </p>
        </div>
        <div>
          <p className="text-xs text-stone-500">Reported by the device</p>
          <p className="font-medium tabular-nums">
            {shadow.reportedVersion !== null ? `v${shadow.reportedVersion}` : "nothing yet"} <span className="font-mono text-xs font-normal text-stone-500">{shortHash(shadow.reportedHash)}</span>
          </p>
          {shadow.reportedAt ? <p className="text-xs text-stone-500">{formatDateTime(shadow.reportedAt, timeZone)}</p> : null}
        </div>
        <div>
          <p className="text-xs text-stone-500">Delivery</p>
          <p className="text-stone-700">
            {shadow.sentVersion !== null ? `v${shadow.sentVersion} sent ${formatDateTime(shadow.sentAt, timeZone)}` : "not sent yet"}
            {shadow.sendAttempts > 1 ? ` (${shadow.sendAttempts} attempts)` : ""}
          </p>
        </div>
        {shadow.statusReason ? (
          <p className="basis-full rounded-md border border-red-200 bg-red-50 px-2 py-1 text-red-900" data-testid="config-status-reason">
            {view.syncStatus === "rejected" || shadow.status === "rejected" ? "The device refused it: " : "Reason: "}
            {shadow.statusReason}
          </p>
        ) : null}
        {shadow.drifted ? (
          <p className="basis-full text-amber-900">
            ▲ The device reports another configuration than the one it should run{shadow.driftSince ? ` since ${formatDateTime(shadow.driftSince, timeZone)}` : ""}: a configuration drift alert is open.
          </p>
        ) : null}
        {view.layerChangePending ? <p className="basis-full text-stone-600">A farm or group setting changed: a new version with it is on its way.</p> : null}
      </div>

      <DeviceConfigEditor
        deviceId={view.device.deviceId}
        schema={view.schema}
        configuration={view.configuration}
        inherited={view.inherited}
        overrides={view.overrides}
        sources={view.sources}
        version={view.version}
        canEdit={canEdit}
      />

      <div>
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Versions</h3>
        <ConfigVersionList deviceId={view.device.deviceId} schema={view.schema} versions={versions.data} currentVersion={versions.currentVersion} total={versions.total} canEdit={canEdit} timeZone={timeZone} />
      </div>
    </section>
  );
}
