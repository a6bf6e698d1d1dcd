"use client";

import Link from "next/link";
import { useState } from "react";
import { tagColor } from "@/lib/tags/tag-colors";
import { DeleteGroupButton } from "./delete-group-button";

export type GroupTreeRow = {
  id: number;
  parentId: number | null;
  name: string;
  code: string;
  /** Farm code, or null for a cross-farm group. */
  farmCode: string | null;
  farmName: string | null;
  typeLabel: string | null;
  color: number;
  active: boolean;
  deviceCount: number;
  onlineCount: number;
  subtreeDeviceCount: number;
  subtreeOnlineCount: number;
  healthCheckInterval: number;
  offlineAlertThreshold: number;
  canEdit: boolean;
  canAddChild: boolean;
};

/** 60 → "1 min", 90 → "90 s", 7200 → "2 h": the way a herdsman says it. */
export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** The group tree, nested and collapsible; `rows` come in tree order (parents before children). */
export function GroupTree({ rows }: { rows: GroupTreeRow[] }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const ids = new Set(rows.map((row) => row.id));
  const children = new Map<number | null, GroupTreeRow[]>();
  for (const row of rows) {
    const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const toggle = (id: number) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const renderList = (parent: number | null, nested: boolean) => (
    <ul className={nested ? "ml-3 border-l-2 border-stone-200 pl-2 sm:ml-4 sm:pl-3" : "divide-y divide-stone-100"}>
      {(children.get(parent) ?? []).map((row) => {
        const kids = children.get(row.id) ?? [];
        const open = !collapsed.has(row.id);
        return (
          <li key={row.id} aria-label={row.name} className={nested ? "border-t border-stone-100" : undefined}>
            <GroupRow row={row} hasChildren={kids.length > 0} open={open} onToggle={() => toggle(row.id)} />
            {kids.length && open ? renderList(row.id, true) : null}
          </li>
        );
      })}
    </ul>
  );

  return renderList(null, false);
}

function GroupRow({ row, hasChildren, open, onToggle }: { row: GroupTreeRow; hasChildren: boolean; open: boolean; onToggle: () => void }) {
  const small = "rounded-md border border-stone-300 bg-white px-2 py-0.5 text-xs hover:bg-stone-50";
  return (
    <div className={`flex gap-1.5 py-3 ${row.active ? "" : "opacity-70"}`}>
      {hasChildren ? (
        <button type="button" onClick={onToggle} aria-expanded={open} aria-label={`${open ? "Collapse" : "Expand"} ${row.name}`} className="flex h-6 w-6 shrink-0 items-center justify-center rounded text-stone-500 hover:bg-stone-100">
          <svg viewBox="0 0 20 20" className={`h-4 w-4 transition-transform ${open ? "rotate-90" : ""}`} fill="currentColor" aria-hidden>
            <path d="M7 4l7 6-7 6z" />
          </svg>
        </button>
      ) : (
        <span className="h-6 w-6 shrink-0" aria-hidden />
      )}

      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
          <div className="min-w-0 basis-52 grow">
            <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5 leading-6">
              <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ backgroundColor: tagColor(row.color).swatch }} aria-hidden />
              <span className="font-medium text-stone-900">{row.name}</span>
              <span className="font-mono text-xs text-stone-500">{row.code}</span>
              {row.active ? null : <span className="rounded-full bg-stone-200 px-2 py-0.5 text-xs font-medium text-stone-700">Archived</span>}
            </p>
            <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
              <span className={`rounded px-1.5 py-0.5 font-medium ${row.farmCode ? "bg-stone-100 text-stone-700" : "bg-sky-50 text-sky-800"}`} title={row.farmName ?? "Holds devices of every farm"}>
                {row.farmCode ?? "Cross-farm"}
              </span>
              <span>{row.typeLabel ?? "All types"}</span>
              <span className="inline-flex items-center gap-1">
                <SmallIcon path="M12 7v5l3 2M21 12a9 9 0 11-18 0 9 9 0 0118 0z" />
                check every {formatInterval(row.healthCheckInterval)}
              </span>
              <span className="inline-flex items-center gap-1">
                <SmallIcon path="M6 8a6 6 0 1112 0c0 7 3 8 3 8H3s3-1 3-8M10 20a2 2 0 004 0" />
                alert at {row.offlineAlertThreshold} offline
              </span>
            </p>
          </div>
          <div className="flex shrink-0 items-center gap-3">
            <div className="text-sm leading-tight tabular-nums sm:text-right">
              <p>
                <strong className="font-semibold text-stone-900">{row.deviceCount}</strong> {row.deviceCount === 1 ? "device" : "devices"}
              </p>
              <p className="text-xs text-green-800">
                <span aria-hidden>● </span>
                {row.onlineCount} online
              </p>
            </div>
            <Link href={`/devices?group=${row.id}`} className="rounded-md border border-stone-300 bg-white px-2.5 py-1.5 text-sm whitespace-nowrap text-brand-800 hover:bg-stone-50">
              View devices<span className="sr-only"> of {row.name}</span>
            </Link>
          </div>
        </div>
        {hasChildren ? (
          <p className="mt-1 text-xs text-stone-500 tabular-nums">
            With sub-groups: {plural(row.subtreeDeviceCount, "device")}, {row.subtreeOnlineCount} online
          </p>
        ) : null}
        {row.canEdit || row.canAddChild ? (
          <div className="mt-2 flex flex-wrap items-center gap-1.5">
            {row.canEdit ? (
              <Link href={`/groups/${row.id}/edit`} className={small}>
                Edit<span className="sr-only"> {row.name}</span>
              </Link>
            ) : null}
            {row.canAddChild ? (
              <Link href={`/groups/new?parent=${row.id}`} className={small}>
                <span aria-hidden>+ </span>Sub-group<span className="sr-only"> of {row.name}</span>
              </Link>
            ) : null}
            {row.canEdit ? <DeleteGroupButton id={row.id} name={row.name} size="small" /> : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function SmallIcon({ path }: { path: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-3.5 w-3.5 shrink-0 text-stone-500" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={path} />
    </svg>
  );
}
