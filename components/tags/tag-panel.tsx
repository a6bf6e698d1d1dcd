"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { createTagAction, deleteTagAction, updateTagAction } from "@/app/(app)/groups/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";
import { TagChip } from "@/components/ui/tag-chip";
import { ColorSwatchPicker } from "./color-swatch-picker";

export type TagPanelTag = { id: number; name: string; color: number; deviceCount: number; editable: boolean; shared: boolean };

/** Tags with their colour and device count; managers and admins add, rename, recolour and delete here. */
export function TagPanel({ tags, canWrite }: { tags: TagPanelTag[]; canWrite: boolean }) {
  return (
    <div className="space-y-4">
      {tags.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 px-3 py-6 text-center text-sm text-stone-600">
          No tags yet. {canWrite ? "Tags mark devices across groups and farms — “Fresh cows”, “Pilot”, “Barn 2”." : "A farm manager can add some."}
        </p>
      ) : (
        <ul className="divide-y divide-stone-100" aria-label="Tags">
          {tags.map((tag) => (
            <TagRow key={tag.id} tag={tag} canWrite={canWrite} />
          ))}
        </ul>
      )}
      {canWrite ? <NewTagForm /> : null}
    </div>
  );
}

function TagRow({ tag, canWrite }: { tag: TagPanelTag; canWrite: boolean }) {
  const [editing, setEditing] = useState(false);
  return (
    <li aria-label={tag.name} className="py-2">
      <div className="flex items-center justify-between gap-2">
        <TagChip name={tag.name} color={tag.color} />
        <span className="flex shrink-0 items-center gap-2 text-sm">
          <Link href={`/devices?tag=${tag.id}`} className="text-brand-800 tabular-nums underline-offset-2 hover:underline">
            {tag.deviceCount} device{tag.deviceCount === 1 ? "" : "s"}
            <span className="sr-only"> tagged {tag.name}</span>
          </Link>
          {canWrite && !tag.editable ? (
            <span className="text-xs text-stone-500" title={tag.shared ? "Other farms' devices carry this tag: an admin renames, recolours or deletes it." : "Not made for your farm: an admin changes it."}>
              {tag.shared ? "Shared · admin edits" : "Admin edits"}
            </span>
          ) : null}
          {canWrite && tag.editable ? (
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing} className="rounded-md border border-stone-300 bg-white px-2 py-0.5 text-xs hover:bg-stone-50">
              {editing ? "Close" : "Edit"}
              <span className="sr-only"> tag {tag.name}</span>
            </button>
          ) : null}
        </span>
      </div>
      {editing ? <EditTagForm tag={tag} onDone={() => setEditing(false)} /> : null}
    </li>
  );
}

function EditTagForm({ tag, onDone }: { tag: TagPanelTag; onDone: () => void }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(updateTagAction);
  const remove = useActionForm(deleteTagAction);
  useEffect(() => {
    if (state?.ok) onDone();
  }, [state, onDone]);
  const prefix = `tag-${tag.id}`;

  return (
    <div className="mt-2 space-y-3 rounded-lg bg-stone-50 p-3">
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        <input type="hidden" name="id" value={tag.id} />
        <Field id={`${prefix}-name`} label="Tag name" error={fieldError("name")}>
          <input {...fieldProps(`${prefix}-name`, fieldError("name"))} name="name" defaultValue={tag.name} className={inputClass} autoComplete="off" />
        </Field>
        <ColorSwatchPicker idPrefix={`${prefix}-color`} defaultValue={tag.color} error={fieldError("color")} />
        {formError ? (
          <p role="alert" className="text-sm text-red-700">
            {formError}
          </p>
        ) : null}
        <button type="submit" disabled={pending || !ready} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : "Save tag"}
        </button>
      </form>
      <form
        onSubmit={(event) => {
          const devices = tag.deviceCount ? ` It comes off ${tag.deviceCount} device${tag.deviceCount === 1 ? "" : "s"}.` : "";
          if (!window.confirm(`Delete the tag “${tag.name}”?${devices}`)) {
            event.preventDefault();
            return;
          }
          remove.onSubmit(event);
        }}
        className="border-t border-stone-200 pt-3"
      >
        <input type="hidden" name="id" value={tag.id} />
        <button type="submit" disabled={remove.pending || !remove.ready} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60">
          {remove.pending ? "Deleting…" : "Delete tag"}
        </button>
        {remove.state && !remove.state.ok ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {remove.state.error}
          </p>
        ) : null}
      </form>
    </div>
  );
}

function NewTagForm() {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(createTagAction);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);

  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="space-y-3 border-t border-stone-200 pt-4">
      <h3 className="text-sm font-semibold text-stone-700">New tag</h3>
      <Field id="new-tag-name" label="Tag name" error={fieldError("name")}>
        <input {...fieldProps("new-tag-name", fieldError("name"))} name="name" placeholder="e.g. Fresh cows" className={inputClass} autoComplete="off" />
      </Field>
      <ColorSwatchPicker idPrefix="new-tag-color" defaultValue={0} error={fieldError("color")} />
      {formError ? (
        <p role="alert" className="text-sm text-red-700">
          {formError}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="text-sm text-green-800">
          Tag “{state.data.name}” added.
        </p>
      ) : null}
      <button type="submit" disabled={pending || !ready} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Adding…" : "Add tag"}
      </button>
    </form>
  );
}
