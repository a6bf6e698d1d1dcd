import type { ReactNode } from "react";

export const inputClass = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/**
 * A labelled form field with its error beside it. The control is the caller's (input, select,
 * textarea) and must carry `id`, `aria-invalid` and `aria-describedby` from `fieldProps`.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-800">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The accessibility wiring of a control whose field may show an error or a hint. */
export function fieldProps(id: string, error: string | undefined, hint?: boolean) {
  return { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined };
}

/** A form's outcome above its fields: what went wrong (an alert) or what was saved (a status). */
export function FormMessage({ error, success }: { error?: string; success?: string | null }) {
  if (error) return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>;
  if (success) return <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">{success}</p>;
  return null;
}
