"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useRef, useState, useTransition, type ReactNode } from "react";
import type { Density, ListName } from "@/lib/list-views/list-columns";
import { deleteViewAction, pinViewAction, saveListPreferenceAction, saveViewAction, updateViewAction } from "./actions";
import { ModalDialog } from "./modal-dialog";

export type ToolbarColumn = { key: string; label: string; required?: boolean };
export type ToolbarView = { id: number; name: string; href: string; mine: boolean; pinned: boolean; editable: boolean; deletable: boolean; shared: boolean; ownerName: string };

const BUTTON = "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-sm font-medium text-stone-800 hover:bg-stone-50";

/**
 * How a list looks and which named views it has: density, the columns (show, hide, order), saved
 * views. A choice is saved for the person (their next visit, any browser); when the URL itself
 * says (a link or a saved view), the URL is changed too, so it stays the single source of what shows.
 */
export function ListToolbar({
  list,
  density,
  columns,
  visible = [],
  views,
  currentViewId,
  canShare,
  className = "mb-2",
  children,
}: {
  /** Shown at the end of the toolbar (the keys' help button). */
  children?: ReactNode;
  className?: string;
  list: ListName;
  density: Density;
  columns?: ToolbarColumn[];
  visible?: string[];
  views: ToolbarView[];
  currentViewId: number | null;
  canShare: boolean;
}) {
  const t = useTranslations("lists");
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [columnsOpen, setColumnsOpen] = useState(false);
  const [viewsOpen, setViewsOpen] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const current = views.find((view) => view.id === currentViewId) ?? null;

  function apply(change: { density?: Density; columns?: string[] | null }) {
    setError(null);
    startTransition(async () => {
      const result = await saveListPreferenceAction(null, { list, ...change });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      const params = new URLSearchParams(searchParams.toString());
      // a link or view that fixes the look carries the new choice; otherwise the preference is enough
      if (change.density && (params.has("density") || currentViewId)) params.set("density", change.density);
      if (change.columns !== undefined && (params.has("columns") || currentViewId)) {
        if (change.columns) params.set("columns", change.columns.join(","));
        else params.delete("columns");
      }
      const query = params.toString();
      if (query !== searchParams.toString()) router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
      else router.refresh();
    });
  }

  function move(key: string, by: -1 | 1) {
    const next = [...visible];
    const at = next.indexOf(key);
    const to = at + by;
    if (at < 0 || to < 0 || to >= next.length) return;
    [next[at], next[to]] = [next[to]!, next[at]!];
    apply({ columns: next });
  }

  function toggle(key: string, on: boolean) {
    apply({ columns: on ? [...visible, key] : visible.filter((column) => column !== key) });
  }

  /** The view's state as it shows now: the URL plus the density and columns in effect. */
  function currentQuery() {
    const params = new URLSearchParams(searchParams.toString());
    params.delete("page");
    params.delete("cursor");
    params.delete("savedView");
    params.set("density", density);
    if (columns) params.set("columns", visible.join(","));
    return params.toString();
  }

  function viewAction(run: () => Promise<{ ok: boolean; error?: string }>, after?: () => void) {
    setError(null);
    startTransition(async () => {
      const result = await run();
      if (!result.ok) setError(result.error ?? null);
      else {
        after?.();
        router.refresh();
      }
    });
  }

  const ordered = columns ? [...visible.map((key) => columns.find((column) => column.key === key)!).filter(Boolean), ...columns.filter((column) => !visible.includes(column.key))] : [];

  return (
    <div className={`flex flex-wrap items-center gap-2 text-sm ${className}`} data-testid="list-toolbar">
      <div role="group" aria-label={t("density")} className="inline-flex overflow-hidden rounded-md border border-stone-300">
        {(["comfortable", "compact"] as const).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={density === value}
            disabled={pending}
            onClick={() => density !== value && apply({ density: value })}
            className={`px-2.5 py-1 text-sm font-medium ${density === value ? "bg-brand-700 text-white" : "bg-white text-stone-800 hover:bg-stone-50"}`}
          >
            {t(value)}
          </button>
        ))}
      </div>

      {columns ? (
        <div className="relative">
          <button type="button" className={BUTTON} aria-expanded={columnsOpen} aria-controls={`${list}-columns`} onClick={() => setColumnsOpen((open) => !open)}>
            {t("columns")} ({visible.length})
          </button>
          {columnsOpen ? (
            <fieldset id={`${list}-columns`} className="absolute left-0 z-30 mt-1 w-72 rounded-lg border border-stone-200 bg-white p-2 shadow-lg">
              <legend className="sr-only">{t("columnsTitle")}</legend>
              <p className="px-1 pb-1 text-xs font-medium text-stone-500">{t("columnsTitle")}</p>
              <ul className="max-h-80 overflow-y-auto">
                {ordered.map((column) => {
                  const shown = visible.includes(column.key);
                  const at = visible.indexOf(column.key);
                  return (
                    <li key={column.key} className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-stone-50">
                      <label className="flex flex-1 items-center gap-2">
                        <input type="checkbox" className="size-4 accent-brand-700" checked={shown} disabled={column.required || pending} onChange={(event) => toggle(column.key, event.target.checked)} />
                        <span>
                          {column.label}
                          {column.required ? <span className="text-xs text-stone-500"> · {t("alwaysShown")}</span> : null}
                        </span>
                      </label>
                      {shown ? (
                        <span className="flex gap-0.5">
                          <button type="button" className="rounded px-1 text-stone-600 hover:bg-stone-100 disabled:opacity-30" aria-label={t("moveUp", { column: column.label })} disabled={at === 0 || pending} onClick={() => move(column.key, -1)}>
                            ↑
                          </button>
                          <button type="button" className="rounded px-1 text-stone-600 hover:bg-stone-100 disabled:opacity-30" aria-label={t("moveDown", { column: column.label })} disabled={at === visible.length - 1 || pending} onClick={() => move(column.key, 1)}>
                            ↓
                          </button>
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
              <button type="button" className="mt-1 px-1 text-sm text-brand-700 underline" onClick={() => apply({ columns: null })}>
                {t("defaultColumns")}
              </button>
            </fieldset>
          ) : null}
        </div>
      ) : null}

      <div className="relative">
        <button type="button" className={BUTTON} aria-expanded={viewsOpen} aria-controls={`${list}-views`} onClick={() => setViewsOpen((open) => !open)}>
          {t("views")} ({views.length})
        </button>
        {viewsOpen ? (
          <div id={`${list}-views`} className="absolute left-0 z-30 mt-1 w-80 rounded-lg border border-stone-200 bg-white p-2 shadow-lg">
            {views.length === 0 ? <p className="px-1 py-1 text-stone-500">{t("noViews")}</p> : null}
            {[true, false].map((mine) =>
              views.some((view) => view.mine === mine) ? (
                <div key={String(mine)} className="mb-1">
                  <p className="px-1 pb-0.5 text-xs font-medium text-stone-500">{mine ? t("myViews") : t("sharedViews")}</p>
                  <ul>
                    {views
                      .filter((view) => view.mine === mine)
                      .map((view) => (
                        <li key={view.id} className="flex items-center gap-1 rounded px-1 py-0.5 hover:bg-stone-50">
                          <Link href={view.href} className="min-w-0 flex-1 truncate text-brand-800 hover:underline" title={view.name} aria-current={view.id === currentViewId ? "page" : undefined}>
                            {view.name}
                            {view.shared && !mine ? <span className="text-xs text-stone-500"> · {t("sharedBy", { name: view.ownerName })}</span> : null}
                          </Link>
                          <button type="button" className="rounded px-1 hover:bg-stone-100" aria-pressed={view.pinned} aria-label={view.pinned ? t("unpin", { name: view.name }) : t("pin", { name: view.name })} title={view.pinned ? t("unpin", { name: view.name }) : t("pin", { name: view.name })} onClick={() => viewAction(() => pinViewAction(null, { id: view.id, pinned: !view.pinned }))}>
                            {view.pinned ? "★" : "☆"}
                          </button>
                          {view.deletable ? (
                            <button type="button" className="rounded px-1 text-stone-500 hover:bg-stone-100" aria-label={t("delete", { name: view.name })} title={t("delete", { name: view.name })} onClick={() => window.confirm(t("deleteConfirm", { name: view.name })) && viewAction(() => deleteViewAction(null, { id: view.id }))}>
                              ×
                            </button>
                          ) : null}
                        </li>
                      ))}
                  </ul>
                </div>
              ) : null,
            )}
          </div>
        ) : null}
      </div>

      <button type="button" className={BUTTON} onClick={() => setSaveOpen(true)}>
        {t("saveView")}
      </button>
      {current?.editable ? (
        <button type="button" className={BUTTON} disabled={pending} onClick={() => viewAction(() => updateViewAction(null, { id: current.id, changes: { query: currentQuery() } }))}>
          {t("saveChanges")}
        </button>
      ) : null}
      {current ? (
        <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-900" data-testid="current-view">
          {t("viewOpen", { name: current.name })}
        </span>
      ) : null}
      {children}
      <span aria-live="polite" className="text-xs text-red-700" role={error ? "alert" : undefined}>
        {error}
      </span>

      <SaveViewDialog
        open={saveOpen}
        onClose={() => setSaveOpen(false)}
        canShare={canShare}
        onSave={async (name, shared, pin) => {
          const result = await saveViewAction(null, { list, name, query: currentQuery(), shared, pin });
          if (!result.ok) return result.fieldErrors?.name?.[0] ?? result.error;
          setSaveOpen(false);
          router.push(result.data.href);
          router.refresh();
          return null;
        }}
      />
    </div>
  );
}

function SaveViewDialog({ open, onClose, canShare, onSave }: { open: boolean; onClose: () => void; canShare: boolean; onSave: (name: string, shared: boolean, pin: boolean) => Promise<string | null> }) {
  const t = useTranslations("lists");
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  return (
    <ModalDialog open={open} onClose={onClose} title={t("saveViewTitle")}>
      <form
        ref={form}
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setSaving(true);
          const message = await onSave(String(data.get("name") ?? ""), data.get("shared") === "on", data.get("pin") === "on");
          setSaving(false);
          setError(message);
          if (!message) form.current?.reset();
        }}
        className="flex flex-col gap-3"
      >
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-name`} className="text-sm font-medium text-stone-700">
            {t("viewName")}
          </label>
          <input id={`${id}-name`} name="name" required maxLength={60} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={`${id}-hint ${id}-error`} className="rounded-md border border-stone-300 px-3 py-1.5 text-sm" />
          <p id={`${id}-hint`} className="text-xs text-stone-500">
            {t("viewNameHint")}
          </p>
          <p id={`${id}-error`} className="text-sm text-red-700" role={error ? "alert" : undefined}>
            {error}
          </p>
        </div>
        {canShare ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="shared" className="size-4 accent-brand-700" /> {t("shareWithFarm")}
          </label>
        ) : null}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="pin" defaultChecked className="size-4 accent-brand-700" /> {t("pinToSidebar")}
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" className={BUTTON} onClick={onClose}>
            {t("cancel")}
          </button>
          <button type="submit" disabled={saving} className="rounded-md bg-brand-700 px-3 py-1 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
            {t("save")}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
