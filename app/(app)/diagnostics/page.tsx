import type { Metadata } from "next";
import Link from "next/link";
import { BatchSummaryList } from "@/components/commands/batch-summary";
import { ListFrame } from "@/components/lists/list-frame";
import { CommandFilters, type CommandFilterField } from "@/components/commands/command-filters";
import { COMMAND_COLUMN_LABEL, CommandList } from "@/components/commands/command-list";
import { toolbarColumns } from "@/components/lists/chosen-columns";
import { filterChipsFor } from "@/components/lists/filter-chips";
import { COMMAND_STATUS_LABEL, isFinal } from "@/components/commands/command-status";
import { CancelQueuedCommand } from "@/components/commands/cancel-queued-command";
import { LiveRefresh } from "@/components/commands/live-refresh";
import { NewCommandForm } from "@/components/commands/new-command-form";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { COMMANDS } from "@/lib/commands/catalogue";
import { listCommands } from "@/lib/commands/command-queries";
import { COMMAND_STATUSES, commandListQuery, type CommandListQuery } from "@/lib/commands/command-schemas";
import { recentBatches } from "@/lib/commands/recent-batches";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES } from "@/lib/devices/device-id";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { COMMAND_COLUMNS, type CommandColumnKey } from "@/lib/list-views/list-columns";
import { readListPresentation } from "@/lib/list-views/list-preferences";

export const metadata: Metadata = { title: "Diagnostics & commands" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

const FILTERS = ["device", "type", "command", "status", "sender", "from", "to", "batch"] as const;
/** The cursors of the newer pages, so "Newer" walks back the way "Older" came (kept short). */
const MAX_TRAIL = 20;

/** A hand-written filter we do not understand is dropped and named, never a failed page. */
function readQuery(raw: Record<string, unknown>): { query: CommandListQuery; ignored: string[] } {
  const first = commandListQuery.safeParse(raw);
  if (first.success) return { query: first.data, ignored: [] };
  const ignored = [...new Set(first.error.issues.map((issue) => String(issue.path[0] ?? "")))].filter(Boolean);
  return { query: commandListQuery.parse(Object.fromEntries(Object.entries(raw).filter(([key]) => !ignored.includes(key)))), ignored };
}

export default async function DiagnosticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("devices.read");
  const raw = searchParamsToObject(await searchParams) as Record<string, unknown>;
  const trail = typeof raw.prev === "string" && raw.prev ? raw.prev.split(",").slice(-MAX_TRAIL) : [];
  const { query: asked, ignored } = readQuery(raw);
  const farmId = await selectedFarmId(actor);
  const query: CommandListQuery = { ...asked, farm: asked.farm ?? farmId ?? undefined };
  const db = getDb();
  const [page, batches, farms, presentation] = await Promise.all([
    listCommands(db, actor, query),
    asked.cursor ? [] : recentBatches(db, actor, { farmId: query.farm ?? null, limit: 5 }),
    visibleFarms(actor),
    readListPresentation(db, actor, "commands", raw),
  ]);
  const timeZone = farms.find((farm) => farm.id === query.farm)?.timezone ?? farms[0]?.timezone ?? "UTC";
  const canSend = can(actor.role, "devices.command");

  const fields: CommandFilterField[] = [
    { name: "type", label: "Device type", allLabel: "All types", options: DEVICE_TYPES.map((type) => ({ value: type, label: DEVICE_TYPE_LABEL[type] })) },
    { name: "command", label: "Command", allLabel: "Any command", options: COMMANDS.map((command) => ({ value: command.name, label: `${command.label} (${command.name})` })) },
    { name: "status", label: "Status", allLabel: "Any status", options: COMMAND_STATUSES.map((status) => ({ value: status, label: COMMAND_STATUS_LABEL[status] })) },
  ];
  const activeCount = FILTERS.filter((key) => asked[key] !== undefined).length;

  const filterParams = new URLSearchParams();
  for (const key of FILTERS) {
    const value = raw[key];
    if (typeof value === "string" && value && !ignored.includes(key)) filterParams.set(key, value);
  }
  const href = (extra: Record<string, string>) => {
    const params = new URLSearchParams(filterParams);
    for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
    return params.size ? `/diagnostics?${params}` : "/diagnostics";
  };
  const olderHref = page.nextCursor ? href({ cursor: page.nextCursor, prev: [...trail, asked.cursor ?? ""].slice(-MAX_TRAIL).join(",") }) : null;
  const newerHref = asked.cursor ? href({ cursor: trail.at(-1) ?? "", prev: trail.slice(0, -1).join(",") }) : null;
  const chips = filterChipsFor(
    "/diagnostics",
    raw,
    [{ name: "device", label: "Device" }, ...fields, { name: "sender", label: "Sent by" }, { name: "from", label: "From" }, { name: "to", label: "To" }, { name: "batch", label: "Bulk command" }],
    ignored,
  );
  const waiting = page.items.some((command) => !isFinal(command.status)) || batches.some((batch) => batch.open > 0);

  return (
    <>
      <PageHeader title="Diagnostics & commands" description="Every command sent to the devices of your farms, its answer as it arrives, and bulk commands with their progress." actions={<LiveRefresh active={waiting} />} />
      {canSend ? <NewCommandForm role={actor.role} /> : null}
      {batches.length ? <BatchSummaryList batches={batches} timeZone={timeZone} /> : null}
      <h2 className="mt-5 mb-2 text-sm font-semibold text-stone-700">Commands</h2>
      <CommandFilters fields={fields} activeCount={activeCount} />
      <ListFrame
        actor={actor}
        list="commands"
        params={raw}
        searchInputId="filter-device"
        presentation={presentation}
        columns={toolbarColumns(COMMAND_COLUMNS, (key) => COMMAND_COLUMN_LABEL[key])}
        chips={chips}
      >
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and were ignored: {ignored.join(", ")}.
        </p>
      ) : null}
      {page.items.length === 0 ? (
        <EmptyState title={activeCount ? "No command matches these filters" : asked.cursor ? "No older commands" : "No commands sent yet"}>
          {activeCount ? (
            <Link className="text-brand-700 underline" href="/diagnostics">
              Clear the filters
            </Link>
          ) : (
            "Send one with “New command” above, from a device's page, or to many devices at once from the devices list."
          )}
        </EmptyState>
      ) : (
        <CommandList commands={page.items} timeZone={timeZone} columns={presentation.columns as CommandColumnKey[]} actions={canSend ? (command) => <CancelQueuedCommand command={command} /> : undefined} />
      )}
      </ListFrame>
      {newerHref || olderHref ? (
        <nav className="mt-3 flex items-center justify-end gap-2 text-sm" aria-label="Pages">
          {newerHref ? (
            <>
              <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50" href={href({})}>
                Newest
              </Link>
              <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50" href={newerHref} rel="prev">
                ← Newer
              </Link>
            </>
          ) : null}
          {olderHref ? (
            <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50" href={olderHref} rel="next">
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
