"use client";

import Link from "next/link";
import { ExportLinks } from "./export-links";
import { useRouter } from "next/navigation";
import { createContext, useContext, useMemo, useState, useTransition, type ReactNode } from "react";
import { bulkDevicesAction } from "@/app/(app)/devices/actions";
import { BulkCommandDialog } from "@/components/commands/bulk-command-dialog";
import type { RoleName } from "@/lib/auth/permissions";
import type { CommandTarget } from "@/lib/commands/command-schemas";
import type { BulkActionInput } from "@/lib/devices/device-schemas";

type Option = { id: number; label: string };

type Selection = {
  selected: ReadonlySet<string>;
  toggle: (deviceId: string) => void;
  setPage: (on: boolean) => void;
  pageIds: readonly string[];
  allMatching: boolean;
};

const SelectionContext = createContext<Selection | null>(null);

function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("Selection checkboxes must sit inside <BulkSelection>.");
  return selection;
}

/**
 * The list's ticked devices and what can be done with them. The rows stay server-rendered; only
 * the checkboxes and the action bar live in the browser. "Select all matching" turns the
 * selection into the filter itself, so a change can reach every device of a large view.
 */
export function BulkSelection({
  pageIds,
  total,
  totalText,
  filter,
  exportQuery,
  groups,
  tags,
  canWrite,
  canSchedule = false,
  canConfigure = false,
  commandRole = null,
  pageTypes = {},
  matchingTypes = {},
  children,
}: {
  pageIds: string[];
  total: number;
  /** The count as the list says it beyond 10,000 ("about 1,000,000"); the exact number when left out. */
  totalText?: string;
  /** The list's filter as URL parameters, farm included, for "all matching" actions. */
  filter: Record<string, string>;
  exportQuery: string;
  groups: Option[];
  tags: Option[];
  canWrite: boolean;
  /** ota.schedule: offer "Schedule firmware update" for the selection (the wizard checks again). */
  canSchedule?: boolean;
  /** config.manage: offer "Change configuration…" (a configuration campaign through the wizard). */
  canConfigure?: boolean;
  /** The person's role when they may send bulk commands (BULK_COMMAND_ROLE), else null. */
  commandRole?: RoleName | null;
  /** Device type of each device on this page, and device counts per type of the whole filter. */
  pageTypes?: Record<string, string>;
  matchingTypes?: Record<string, number>;
  children: ReactNode;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [pending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; details?: string[] } | null>(null);
  const [groupId, setGroupId] = useState("");
  const [tagId, setTagId] = useState("");
  const [commandOpen, setCommandOpen] = useState(false);

  const selection = useMemo<Selection>(
    () => ({
      selected,
      pageIds,
      allMatching,
      toggle: (deviceId) => {
        setAllMatching(false);
        setSelected((current) => {
          const next = new Set(current);
          if (next.has(deviceId)) next.delete(deviceId);
          else next.add(deviceId);
          return next;
        });
      },
      setPage: (on) => {
        setAllMatching(false);
        setSelected((current) => {
          const next = new Set(current);
          for (const id of pageIds) {
            if (on) next.add(id);
            else next.delete(id);
          }
          return next;
        });
      },
    }),
    [selected, pageIds, allMatching],
  );

  const count = allMatching ? total : selected.size;
  const pageFullySelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const target: BulkActionInput["target"] = allMatching ? { filter } : { deviceIds: [...selected] };

  function run(input: BulkActionInput, confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    setOutcome(null);
    startTransition(async () => {
      const result = await bulkDevicesAction(null, input);
      if (result.ok) {
        setOutcome({ ok: true, text: result.data.message });
        setSelected(new Set());
        setAllMatching(false);
        router.refresh();
      } else {
        setOutcome({ ok: false, text: result.error, details: Object.values(result.fieldErrors ?? {}).flat().slice(0, 10) });
      }
    });
  }

  const commandTarget: CommandTarget = allMatching ? groupOnly(filter) ?? { filter } : { deviceIds: [...selected] };
  const typeCounts = allMatching ? matchingTypes : countTypes(selected, pageTypes);

  const many = allMatching && totalText ? `${totalText} devices` : count > 1 ? `${count.toLocaleString("en")} devices` : "1 device";
  const scheduleHref = allMatching ? `/updates/new?filter=${encodeURIComponent(new URLSearchParams(filter).toString())}` : `/updates/new?devices=${[...selected].join(",")}`;
  // one device type selected: the configuration wizard opens on it
  const selectedTypes = Object.keys(typeCounts).filter((type) => (typeCounts[type] ?? 0) > 0);
  const configureHref = `${scheduleHref}&kind=configuration${selectedTypes.length === 1 ? `&type=${selectedTypes[0]}` : ""}`;
  const exportHref = allMatching ? `/api/v1/devices/export?${exportQuery}` : `/api/v1/devices/export?deviceIds=${[...selected].join(",")}`;

  return (
    <SelectionContext.Provider value={selection}>
      {count > 0 ? (
        <div role="region" aria-label="Bulk actions" className="sticky top-0 z-20 mb-3 rounded-xl border border-brand-600 bg-brand-50 p-3 text-sm shadow-sm">
          <div className="flex flex-wrap items-center gap-2">
            <strong className="mr-1 text-brand-900" data-testid="selection-count">
              {many} selected
            </strong>
            {pageFullySelected && !allMatching && total > pageIds.length ? (
              <button type="button" className="font-medium text-brand-700 underline" onClick={() => setAllMatching(true)}>
                Select all {totalText ?? total.toLocaleString("en")} matching
              </button>
            ) : null}
            <button
              type="button"
              className="ml-auto text-stone-600 underline"
              data-clear-selection
              onClick={() => {
                setSelected(new Set());
                setAllMatching(false);
              }}
            >
              Clear selection
            </button>
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            {canWrite ? (
              <>
                <span className="flex items-center gap-1">
                  <select aria-label="Group" value={groupId} onChange={(event) => setGroupId(event.target.value)} className="max-w-44 rounded-md border border-stone-300 bg-white px-2 py-1">
                    <option value="">Group…</option>
                    {groups.map((group) => (
                      <option key={group.id} value={group.id}>
                        {group.label}
                      </option>
                    ))}
                  </select>
                  <ActionButton disabled={pending || !groupId} onClick={() => run({ action: "addToGroup", groupId: Number(groupId), target })}>
                    Add to group
                  </ActionButton>
                </span>
                <span className="flex items-center gap-1">
                  <select aria-label="Tag" value={tagId} onChange={(event) => setTagId(event.target.value)} className="max-w-40 rounded-md border border-stone-300 bg-white px-2 py-1">
                    <option value="">Tag…</option>
                    {tags.map((tag) => (
                      <option key={tag.id} value={tag.id}>
                        {tag.label}
                      </option>
                    ))}
                  </select>
                  <ActionButton disabled={pending || !tagId} onClick={() => run({ action: "addTag", tagId: Number(tagId), target })}>
                    Add tag
                  </ActionButton>
                  <ActionButton disabled={pending || !tagId} onClick={() => run({ action: "removeTag", tagId: Number(tagId), target })}>
                    Remove tag
                  </ActionButton>
                </span>
                <ActionButton disabled={pending} onClick={() => run({ action: "removeFromGroup", target }, `Take ${many} out of their group?`)}>
                  Remove from group
                </ActionButton>
                <ActionButton disabled={pending} onClick={() => run({ action: "maintenanceOn", target }, `Put ${many} in maintenance mode? Health checks and alerts pause for them.`)}>
                  Maintenance on
                </ActionButton>
                <ActionButton disabled={pending} onClick={() => run({ action: "maintenanceOff", target })}>
                  Maintenance off
                </ActionButton>
              </>
            ) : null}
            {commandRole ? (
              <button type="button" aria-expanded={commandOpen} onClick={() => setCommandOpen((open) => !open)} className="rounded-md border border-brand-700 bg-brand-700 px-3 py-1 font-medium text-white hover:bg-brand-800">
                Send command…
              </button>
            ) : null}
            {canConfigure ? (
              <Link href={configureHref} className="rounded-md border border-stone-300 bg-white px-3 py-1 font-medium text-stone-800 hover:bg-stone-50">
                Change configuration…
              </Link>
            ) : null}
            {canSchedule ? (
              <Link href={scheduleHref} className="rounded-md border border-stone-300 bg-white px-3 py-1 font-medium text-stone-800 hover:bg-stone-50">
                Schedule firmware update
              </Link>
            ) : null}
            <ExportLinks href={exportHref} label="Export CSV" excelLabel="Excel (.xlsx)" excelTitle="Export the selected devices as an Excel workbook" size="sm" />
            {pending ? <span className="text-stone-600">Working…</span> : null}
          </div>
          {commandRole && commandOpen ? <BulkCommandDialog key={`${allMatching}-${count}`} role={commandRole} target={commandTarget} count={count} typeCounts={typeCounts} onClose={() => setCommandOpen(false)} /> : null}
        </div>
      ) : null}
      {outcome ? (
        <div role={outcome.ok ? "status" : "alert"} className={`mb-3 rounded-md px-3 py-2 text-sm ${outcome.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
          <div className="flex items-start justify-between gap-2">
            <p>{outcome.text}</p>
            <button type="button" className="text-xs underline" onClick={() => setOutcome(null)}>
              Dismiss
            </button>
          </div>
          {outcome.details?.length ? (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {outcome.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {children}
    </SelectionContext.Provider>
  );
}

function countTypes(selected: ReadonlySet<string>, pageTypes: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of selected) {
    const type = pageTypes[id];
    if (type) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** A list filtered by one group alone is that group: the bulk command is labelled with its name. */
function groupOnly(filter: Record<string, string>): CommandTarget | null {
  const keys = Object.keys(filter).filter((key) => key !== "farm");
  const group = Number(filter.group);
  return keys.length === 1 && keys[0] === "group" && Number.isInteger(group) && group > 0 ? { groupId: group } : null;
}

function ActionButton({ children, disabled, onClick }: { children: ReactNode; disabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" disabled={disabled} onClick={onClick} className="rounded-md border border-stone-300 bg-white px-3 py-1 font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-50">
      {children}
    </button>
  );
}

export function RowCheckbox({ deviceId, label }: { deviceId: string; label: string }) {
  const { selected, toggle, allMatching } = useSelection();
  return (
    <input
      type="checkbox"
      aria-label={`Select ${label}`}
      checked={allMatching || selected.has(deviceId)}
      onChange={() => toggle(deviceId)}
      className="size-4 accent-brand-700"
    />
  );
}

export function PageCheckbox() {
  const { selected, setPage, pageIds, allMatching } = useSelection();
  const all = allMatching || (pageIds.length > 0 && pageIds.every((id) => selected.has(id)));
  const some = !all && pageIds.some((id) => selected.has(id));
  return (
    <input
      type="checkbox"
      aria-label="Select all devices on this page"
      checked={all}
      ref={(element) => {
        if (element) element.indeterminate = some;
      }}
      onChange={() => setPage(!all)}
      className="size-4 accent-brand-700"
    />
  );
}
