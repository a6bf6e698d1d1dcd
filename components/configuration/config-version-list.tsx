"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { formatDateTime } from "@/components/devices/device-values";
import { diffVersionsAction, rollbackDeviceConfigAction } from "@/lib/configuration/config-actions";
import type { VersionDiff, VersionSummary } from "@/lib/configuration/device-config";
import { ConfigDiffTable, diffRows } from "./config-diff-table";
import { fieldIndex, formSections } from "@/lib/configuration/config-form-fields";

const SOURCE_LABEL: Record<string, string> = { initial: "First version", edit: "Edit", layer: "Farm/group settings", campaign: "Campaign", rollback: "Rollback", reset: "Reset" };
const STATUS_LOOK: Record<string, string> = {
  applied: "text-green-800",
  pending: "text-stone-600",
  sent: "text-sky-800",
  in_progress: "text-sky-800",
  rejected: "text-red-800",
  failed: "text-red-800",
  rolled_back: "text-stone-600",
};
const humanize = (value: string) => value.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

type Panel = { kind: "compare"; diff: VersionDiff } | { kind: "rollback"; diff: VersionDiff; version: number } | null;

/**
 * The device's configuration versions, newest first (version, when, who, source, summary, status),
 * a side-by-side diff of any two, and a rollback to any earlier one: the rollback first shows what
 * it changes and asks to confirm; it makes a new version (nothing is rewritten).
 */
export function ConfigVersionList({ deviceId, schema, versions, currentVersion, total, canEdit, timeZone }: { deviceId: string; schema: unknown; versions: VersionSummary[]; currentVersion: number; total: number; canEdit: boolean; timeZone: string }) {
  const router = useRouter();
  const fields = useMemo(() => fieldIndex(formSections(schema)), [schema]);
  const choices = useMemo(() => [...versions.map((v) => v.version), 0], [versions]);
  // until the person picks, the latest version against the one before (it follows new versions)
  const [fromPick, setFrom] = useState<number | null>(null);
  const [toPick, setTo] = useState<number | null>(null);
  const from = fromPick ?? versions[1]?.version ?? 0;
  const to = toPick ?? versions[0]?.version ?? 0;
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string; conflict?: boolean } | null>(null);
  const [pending, startTransition] = useTransition();
  // the rollback's confirmation opens below the table, out of sight on a phone: bring it into view
  const rollbackRef = useRef<HTMLElement>(null);
  const askedRollback = panel?.kind === "rollback" ? panel.version : null;
  useEffect(() => {
    if (askedRollback === null) return;
    rollbackRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [askedRollback]);

  const loadDiff = (a: number, b: number, then: (diff: VersionDiff) => void) =>
    startTransition(async () => {
      setMessage(null);
      const result = await diffVersionsAction(null, { deviceId, from: a, to: b });
      if (result.ok) then(result.data);
      else setMessage({ ok: false, text: result.error });
    });
  const compare = () => loadDiff(from, to, (diff) => setPanel({ kind: "compare", diff }));
  const askRollback = (version: number) => loadDiff(currentVersion, version, (diff) => setPanel({ kind: "rollback", diff, version }));
  const rollback = (version: number) =>
    startTransition(async () => {
      const result = await rollbackDeviceConfigAction(null, { deviceId, version, baseVersion: currentVersion, reason: reason.trim() || undefined });
      if (result.ok) {
        setPanel(null);
        setReason("");
        setMessage({ ok: true, text: `Rolled back: version ${result.data.version} has version ${version}'s values and goes to the device now.` });
        router.refresh();
      } else {
        setMessage({ ok: false, text: result.error, conflict: "base_version" in (result.fieldErrors ?? {}) });
      }
    });

  const label = (version: number) => (version === 0 ? "Factory defaults (v0)" : `Version ${version}`);

  return (
    <div className="space-y-3" data-testid="config-versions">
      {message ? (
        <div role={message.ok ? "status" : "alert"} className={`rounded-md border px-3 py-2 text-sm ${message.ok ? "border-green-300 bg-green-50 text-green-900" : "border-red-300 bg-red-50 text-red-900"}`}>
          {message.text}
          {message.conflict ? (
            <button type="button" className="ml-2 underline" onClick={() => (setMessage(null), setPanel(null), router.refresh())}>
              Reload
            </button>
          ) : null}
        </div>
      ) : null}

      {versions.length ? (
        // relative: the table's sr-only (absolutely placed) texts stay inside the scroller instead of widening a phone's page;
        // a keyboard stop, so the columns past a phone's edge can be scrolled to without a pointer.
        <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label={`Configuration versions of ${deviceId}`}>
          <table className="w-full min-w-[40rem] text-left text-sm">
            <caption className="sr-only">Configuration versions of {deviceId}, newest first</caption>
            <thead className="text-xs text-stone-500">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Version</th>
                <th scope="col" className="py-1 pr-3 font-medium">When</th>
                <th scope="col" className="py-1 pr-3 font-medium">Who</th>
                <th scope="col" className="py-1 pr-3 font-medium">Source</th>
                <th scope="col" className="py-1 pr-3 font-medium">Summary</th>
                <th scope="col" className="py-1 pr-3 font-medium">Status</th>
                <th scope="col" className="py-1 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {versions.map((v) => (
                <tr key={v.version} className="align-top" data-version={v.version}>
                  <td className="py-1.5 pr-3 font-medium whitespace-nowrap tabular-nums">
                    v{v.version}
                    {v.current ? <span className="ml-1 rounded-full bg-brand-50 px-1.5 py-0.5 text-[11px] font-medium text-brand-800">current</span> : null}
                  </td>
                  <td className="py-1.5 pr-3 whitespace-nowrap text-stone-600">{formatDateTime(v.createdAt, timeZone)}</td>
                  <td className="py-1.5 pr-3 text-stone-700">{v.author ?? "—"}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap text-stone-700">
                    {SOURCE_LABEL[v.source] ?? humanize(v.source)}
                    {v.rollbackOf !== null ? <span className="text-stone-500"> of v{v.rollbackOf}</span> : null}
                    {v.jobId !== null ? (
                      <a className="ml-1 text-brand-700 underline" href={`/updates/${v.jobId}`}>
                        job {v.jobId}
                      </a>
                    ) : null}
                  </td>
                  <td className="py-1.5 pr-3 text-stone-700">
                    <span className="break-words">{v.changeSummary || "—"}</span>
                    {v.reason ? <span className="block text-xs text-stone-500">Reason: {v.reason}</span> : null}
                  </td>
                  <td className={`py-1.5 pr-3 whitespace-nowrap ${STATUS_LOOK[v.status] ?? "text-stone-700"}`}>
                    {humanize(v.status)}
                    {v.statusReason ? <span className="block max-w-[14rem] text-xs break-words whitespace-normal">{v.statusReason}</span> : null}
                  </td>
                  <td className="py-1.5 whitespace-nowrap">
                    {canEdit && !v.current ? (
                      <button type="button" disabled={pending} className="text-sm text-brand-700 underline disabled:opacity-50" onClick={() => askRollback(v.version)}>
                        Roll back to v{v.version}…
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="py-2 text-sm text-stone-500">No versions yet: the worker gives the device its first version (the inherited settings) shortly after it is registered.</p>
      )}
      {total > versions.length ? <p className="text-xs text-stone-500">Latest {versions.length} of {total} versions; older ones through the API (`GET /api/v1/devices/{deviceId}/config/versions?page=2`).</p> : null}

      {panel?.kind === "rollback" ? (
        <section ref={rollbackRef} aria-labelledby="rollback-title" className="scroll-mt-20 space-y-3 rounded-lg border border-amber-300 bg-amber-50/40 p-3" data-testid="config-rollback">
          <h3 id="rollback-title" className="text-sm font-semibold text-stone-800">
            Roll back to {label(panel.version).toLowerCase()}? A new version {currentVersion + 1} gets its values:
          </h3>
          <ConfigDiffTable rows={diffRows(panel.diff.diff)} fields={fields} fromLabel={`Now (v${currentVersion})`} toLabel={`After (as v${panel.version})`} empty="Nothing differs from the current version: no rollback needed." testId="config-rollback-diff" />
          <div>
            <label htmlFor="rollback-reason" className="mb-1 block text-sm font-medium text-stone-800">
              Reason <span className="font-normal text-stone-500">(kept with the version)</span>
            </label>
            <input id="rollback-reason" className="w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} className="rounded-md bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800 disabled:opacity-60" onClick={() => rollback(panel.version)}>
              {pending ? "Rolling back…" : `Roll back to v${panel.version}`}
            </button>
            <button type="button" disabled={pending} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50" onClick={() => setPanel(null)}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}

      {versions.length ? (
        <div className="space-y-2 rounded-lg border border-stone-200 p-3">
          <div className="flex flex-wrap items-end gap-2 text-sm">
            <VersionSelect caption="Compare" ariaLabel="Compare from version" value={from} onChange={setFrom} choices={choices} label={label} />
            <VersionSelect caption="with" ariaLabel="Compare to version" value={to} onChange={setTo} choices={choices} label={label} />
            <button type="button" disabled={pending || from === to} onClick={compare} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-50">
              Show differences
            </button>
          </div>
          {panel?.kind === "compare" ? (
            <div data-testid="config-compare">
              <p className="mb-1 text-xs text-stone-600">{panel.diff.changeSummary ? `Summary: ${panel.diff.changeSummary}` : "Same configuration."}</p>
              <ConfigDiffTable rows={diffRows(panel.diff.diff)} fields={fields} fromLabel={label(panel.diff.from.version)} toLabel={label(panel.diff.to.version)} testId="config-compare-diff" />
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** One end of the comparison: a version picked from those listed. */
function VersionSelect({ caption, ariaLabel, value, onChange, choices, label }: { caption: string; ariaLabel: string; value: number; onChange: (version: number) => void; choices: number[]; label: (version: number) => string }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs font-medium text-stone-600">{caption}</span>
      <select className="rounded-md border border-stone-300 bg-white px-2 py-1.5" value={value} onChange={(event) => onChange(Number(event.target.value))} aria-label={ariaLabel}>
        {choices.map((v) => (
          <option key={v} value={v}>
            {label(v)}
          </option>
        ))}
      </select>
    </label>
  );
}
