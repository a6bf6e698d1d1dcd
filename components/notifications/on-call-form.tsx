"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { saveOnCallAction } from "@/app/(app)/notifications/actions";
import { Field, fieldProps, FormMessage, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";

type Target = { kind: "user" | "channel"; id: number; label: string };
type Level = { userIds: number[]; channelIds: number[] };

const MAX_LEVELS = 10;

/**
 * The on-call list: levels in order (level 1 first), each with its people and channels, and the
 * farm's escalation interval and debounce. Saved as a whole: what you see is the list that applies.
 */
export function OnCallForm({
  farmId,
  levels: initial,
  escalationIntervalMinutes,
  debounceMinutes,
  people,
  channels,
}: {
  farmId: number;
  levels: Level[];
  escalationIntervalMinutes: number;
  debounceMinutes: number;
  people: { id: number; label: string }[];
  channels: { id: number; label: string }[];
}) {
  const [levels, setLevels] = useState<Level[]>(initial.length ? initial : [{ userIds: [], channelIds: [] }]);
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(saveOnCallAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);

  const targets: Target[] = [...people.map((person) => ({ kind: "user" as const, id: person.id, label: person.label })), ...channels.map((channel) => ({ kind: "channel" as const, id: channel.id, label: channel.label }))];
  const labelOf = (kind: Target["kind"], id: number) => targets.find((target) => target.kind === kind && target.id === id)?.label ?? `${kind === "user" ? "Person" : "Channel"} ${id}`;
  const change = (index: number, next: Level | null) => setLevels((current) => (next === null ? current.filter((_, i) => i !== index) : current.map((level, i) => (i === index ? next : level))));
  const move = (index: number, by: -1 | 1) =>
    setLevels((current) => {
      const next = [...current];
      const [level] = next.splice(index, 1);
      next.splice(index + by, 0, level!);
      return next;
    });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="On-call list">
      <input type="hidden" name="farmId" value={farmId} />
      <input type="hidden" name="levels" value={JSON.stringify(levels)} />
      <FormMessage error={state && !state.ok ? (formError ?? "Please correct the fields marked below. Nothing was saved.") : undefined} success={state?.ok ? `On-call list saved: ${state.data.levels} ${state.data.levels === 1 ? "level" : "levels"}, escalating after ${state.data.escalationIntervalMinutes} min.` : null} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="oncall-interval"
          label="Escalate after (minutes)"
          error={fieldError("escalationIntervalMinutes")}
          hint={escalationIntervalMinutes === 2 ? "2 min (demo): shortened so you can watch an escalation; the usual default is 15." : "A critical alert not acknowledged within this goes to the next level. Default 15."}
        >
          <input {...fieldProps("oncall-interval", fieldError("escalationIntervalMinutes"), true)} name="escalationIntervalMinutes" type="number" inputMode="numeric" min={1} max={1440} defaultValue={escalationIntervalMinutes} className={inputClass} />
        </Field>
        <Field id="oncall-debounce" label="Debounce (minutes)" error={fieldError("debounceMinutes")} hint="The same device and alert type does not notify again within this. Default 5.">
          <input {...fieldProps("oncall-debounce", fieldError("debounceMinutes"), true)} name="debounceMinutes" type="number" inputMode="numeric" min={0} max={1440} defaultValue={debounceMinutes} className={inputClass} />
        </Field>
      </div>
      {fieldError("levels") ? <p className="text-sm text-red-700">{fieldError("levels")}</p> : null}
      <ol className="space-y-3" aria-label="Levels">
        {levels.map((level, index) => {
          const error = fieldError(`levels.${index}.userIds`) ?? fieldError(`levels.${index}.channelIds`) ?? fieldError(`levels.${index}`);
          const chosen = [...level.userIds.map((id) => ({ kind: "user" as const, id })), ...level.channelIds.map((id) => ({ kind: "channel" as const, id }))];
          const free = targets.filter((target) => !chosen.some((item) => item.kind === target.kind && item.id === target.id));
          return (
            <li key={index} data-testid="on-call-level" className={`rounded-lg border p-3 ${error ? "border-red-400" : "border-stone-200"}`}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="rounded-full bg-brand-100 px-2.5 py-0.5 text-xs font-semibold text-brand-800">Level {index + 1}</span>
                <span className="text-xs text-stone-500">{`Told ${(index + 1) * escalationIntervalMinutes} min after a critical alert nobody acknowledged`}</span>
                <span className="ml-auto flex gap-1">
                  <button type="button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move level ${index + 1} up`} className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm disabled:opacity-40">
                    ↑
                  </button>
                  <button type="button" disabled={index === levels.length - 1} onClick={() => move(index, 1)} aria-label={`Move level ${index + 1} down`} className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm disabled:opacity-40">
                    ↓
                  </button>
                  <button type="button" onClick={() => change(index, null)} aria-label={`Remove level ${index + 1}`} className="rounded-md border border-red-300 bg-white px-2 py-1 text-sm text-red-800">
                    Remove
                  </button>
                </span>
              </div>
              <ul className="mt-2 flex flex-wrap gap-2">
                {chosen.map((item) => (
                  <li key={`${item.kind}-${item.id}`} className="inline-flex items-center gap-1 rounded-full bg-stone-100 py-0.5 pr-1 pl-2.5 text-sm text-stone-800">
                    <span className="text-xs text-stone-500">{item.kind === "user" ? "Person" : "Channel"}</span>
                    {labelOf(item.kind, item.id)}
                    <button
                      type="button"
                      aria-label={`Remove ${labelOf(item.kind, item.id)} from level ${index + 1}`}
                      onClick={() => change(index, item.kind === "user" ? { ...level, userIds: level.userIds.filter((id) => id !== item.id) } : { ...level, channelIds: level.channelIds.filter((id) => id !== item.id) })}
                      className="rounded-full px-1.5 text-stone-500 hover:bg-stone-200 hover:text-stone-900"
                    >
                      ×
                    </button>
                  </li>
                ))}
                {chosen.length === 0 ? <li className="text-sm text-stone-500">Nobody yet.</li> : null}
              </ul>
              <label className="mt-2 block text-sm">
                <span className="sr-only">Add to level {index + 1}</span>
                <select
                  aria-label={`Add to level ${index + 1}`}
                  value=""
                  onChange={(event) => {
                    const [kind, raw] = event.target.value.split(":");
                    const id = Number(raw);
                    if (!id) return;
                    change(index, kind === "user" ? { ...level, userIds: [...level.userIds, id] } : { ...level, channelIds: [...level.channelIds, id] });
                  }}
                  className={`${inputClass} sm:max-w-sm`}
                >
                  <option value="">Add a person or channel…</option>
                  <optgroup label="People">
                    {free.filter((target) => target.kind === "user").map((target) => (
                      <option key={`user-${target.id}`} value={`user:${target.id}`}>
                        {target.label}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label="Channels">
                    {free.filter((target) => target.kind === "channel").map((target) => (
                      <option key={`channel-${target.id}`} value={`channel:${target.id}`}>
                        {target.label}
                      </option>
                    ))}
                  </optgroup>
                </select>
              </label>
              {error ? <p className="mt-1 text-sm text-red-700">{error}</p> : null}
            </li>
          );
        })}
      </ol>
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={levels.length >= MAX_LEVELS} onClick={() => setLevels((current) => [...current, { userIds: [], channelIds: [] }])} className="min-h-10 rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-50">
          Add level
        </button>
        <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : "Save on-call list"}
        </button>
      </div>
      {levels.length >= MAX_LEVELS ? <p className="text-xs text-stone-500">At most {MAX_LEVELS} levels.</p> : null}
    </form>
  );
}
