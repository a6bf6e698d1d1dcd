"use client";

import { useId } from "react";
import type { ParameterField, ParameterValues } from "@/lib/commands/parameter-form";

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/** The generated fields of one command (lib/commands/parameter-form), errors beside each. */
export function ParameterInputs({ fields, values, errors, onChange }: { fields: ParameterField[]; values: ParameterValues; errors: Record<string, string | undefined>; onChange: (name: string, value: string | boolean | string[]) => void }) {
  const id = useId();
  if (fields.length === 0) return <p className="text-sm text-stone-600">This command takes no parameters.</p>;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {fields.map((field) => {
        const inputId = `${id}-${field.name}`;
        const error = errors[field.name];
        const errorId = `${inputId}-error`;
        const errorText = error ? (
          <p id={errorId} role="alert" className="mt-1 text-xs text-red-700">
            {error}
          </p>
        ) : null;
        if (field.kind === "checkbox") {
          return (
            <div key={field.name} className="sm:col-span-2">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={values[field.name] === true} onChange={(event) => onChange(field.name, event.target.checked)} className="size-4 accent-brand-700" />
                {field.label}
              </label>
              {errorText}
            </div>
          );
        }
        if (field.kind === "checkboxes") {
          const chosen = Array.isArray(values[field.name]) ? (values[field.name] as string[]) : [];
          return (
            <fieldset key={field.name} className="sm:col-span-2" aria-invalid={Boolean(error)} aria-describedby={error ? errorId : undefined}>
              <legend className="mb-1 text-sm font-medium">{field.label}</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {field.options.map((option) => (
                  <label key={option} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="checkbox"
                      checked={chosen.includes(option)}
                      onChange={(event) => onChange(field.name, event.target.checked ? [...chosen, option] : chosen.filter((value) => value !== option))}
                      className="size-4 accent-brand-700"
                    />
                    {option}
                  </label>
                ))}
              </div>
              {errorText}
            </fieldset>
          );
        }
        return (
          <div key={field.name}>
            <label htmlFor={inputId} className="mb-1 block text-sm font-medium">
              {field.label}
              {field.kind === "number" && (field.min !== undefined || field.max !== undefined) ? (
                <span className="font-normal text-stone-500">
                  {" "}
                  ({field.min ?? "…"}–{field.max ?? "…"})
                </span>
              ) : null}
              {field.kind === "number" && !field.required && field.defaultValue === undefined ? <span className="font-normal text-stone-500"> (optional)</span> : null}
            </label>
            {field.kind === "select" ? (
              <select id={inputId} value={String(values[field.name] ?? "")} onChange={(event) => onChange(field.name, event.target.value)} className={INPUT} aria-invalid={Boolean(error)} aria-describedby={error ? errorId : undefined}>
                {field.required && !field.defaultValue ? <option value="">Choose…</option> : null}
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={inputId}
                type="text"
                inputMode={field.integer ? "numeric" : "decimal"}
                value={String(values[field.name] ?? "")}
                onChange={(event) => onChange(field.name, event.target.value)}
                className={INPUT}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? errorId : undefined}
              />
            )}
            {errorText}
          </div>
        );
      })}
    </div>
  );
}
