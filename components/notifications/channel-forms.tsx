"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { createChannelAction, updateChannelAction } from "@/app/(app)/notifications/actions";
import { Field, fieldProps, FormMessage, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";

const FORMATS = [
  { value: "json", label: "JSON, signed (HMAC-SHA256)" },
  { value: "slack", label: "Slack incoming webhook" },
  { value: "teams", label: "Microsoft Teams incoming webhook" },
];

/** A secret is shown once: here, right after it was made, with a copy button. */
function SecretOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p className="font-medium">Signing secret — copy it now, it will not be shown again:</p>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <code data-testid="channel-secret" className="rounded bg-white px-2 py-1 font-mono text-xs break-all">
          {secret}
        </code>
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
          className="rounded-md border border-amber-400 bg-white px-2 py-1 text-xs font-medium"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p className="mt-1 text-xs">Your receiver checks the HMAC-SHA256 signature of each call with it.</p>
    </div>
  );
}

export function NewChannelForm({ farmId, farmName, canShare }: { farmId: number; farmName: string; canShare: boolean }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(createChannelAction);
  const [kind, setKind] = useState<"email" | "webhook">("email");
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) {
      form.current?.reset();
      router.refresh();
    }
  }, [state, router]);
  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="New channel">
      <FormMessage error={state && !state.ok ? (formError ?? "Please correct the fields marked below. Nothing was saved.") : undefined} success={state?.ok ? `Channel “${state.data.name}” added. Use “Send test” to check it.` : null} />
      {state?.ok && state.data.secret ? <SecretOnce secret={state.data.secret} /> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="channel-name" label="Name" error={fieldError("name")}>
          <input {...fieldProps("channel-name", fieldError("name"))} name="name" maxLength={120} className={inputClass} placeholder="Parlour mailbox" />
        </Field>
        <Field id="channel-farm" label="For" error={fieldError("farmId")}>
          <select {...fieldProps("channel-farm", fieldError("farmId"))} name="farmId" defaultValue={farmId} className={inputClass}>
            <option value={farmId}>{farmName}</option>
            {canShare ? <option value="">Every farm (shared)</option> : null}
          </select>
        </Field>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-stone-800">Kind</legend>
          <div className="flex gap-4 pt-1.5">
            {(["email", "webhook"] as const).map((value) => (
              <label key={value} className="flex items-center gap-2 text-sm">
                <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} className="h-4 w-4" />
                {value === "email" ? "E-mail" : "Webhook"}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {kind === "email" ? (
        <Field id="channel-address" label="E-mail address" error={fieldError("address")} hint="A shared mailbox, e.g. the parlour's">
          <input {...fieldProps("channel-address", fieldError("address"), true)} name="address" type="email" autoComplete="off" className={`${inputClass} sm:max-w-md`} />
        </Field>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="channel-url" label="Webhook URL" error={fieldError("url")} hint="http(s) only. Stored encrypted; afterwards only its host is shown.">
            <input {...fieldProps("channel-url", fieldError("url"), true)} name="url" type="url" autoComplete="off" className={inputClass} placeholder="https://hooks.slack.com/services/…" />
          </Field>
          <Field id="channel-format" label="Format" error={fieldError("format")}>
            <select {...fieldProps("channel-format", fieldError("format"))} name="format" defaultValue="json" className={inputClass}>
              {FORMATS.map((format) => (
                <option key={format.value} value={format.value}>
                  {format.label}
                </option>
              ))}
            </select>
          </Field>
          <label className="flex items-start gap-2 text-sm text-stone-800 sm:col-span-2">
            <input type="hidden" name="generateSecret" value="false" />
            <input type="checkbox" name="generateSecret" value="true" defaultChecked className="mt-0.5 h-4 w-4 rounded border-stone-300" />
            <span>
              Make a signing secret
              <span className="block text-xs text-stone-500">Shown once, after saving. Slack and Teams ignore it; your own receiver can check every call with it.</span>
            </span>
          </label>
        </div>
      )}
      <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Checking and saving…" : "Add channel"}
      </button>
    </form>
  );
}

export type ChannelEditValues = { id: number; name: string; kind: "email" | "webhook"; address: string | null; urlHost: string | null; format: string; hasSecret: boolean; enabled: boolean };

export function EditChannelForm({ channel }: { channel: ChannelEditValues }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(updateChannelAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const prefix = `channel-${channel.id}`;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label={`Edit channel ${channel.name}`}>
      <input type="hidden" name="id" value={channel.id} />
      <FormMessage error={state && !state.ok ? (formError ?? "Please correct the fields marked below. Nothing was saved.") : undefined} success={state?.ok ? "Saved." : null} />
      {state?.ok && state.data.secret ? <SecretOnce secret={state.data.secret} /> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={`${prefix}-name`} label="Name" error={fieldError("name")}>
          <input {...fieldProps(`${prefix}-name`, fieldError("name"))} name="name" defaultValue={channel.name} maxLength={120} className={inputClass} />
        </Field>
        {channel.kind === "email" ? (
          <Field id={`${prefix}-address`} label="E-mail address" error={fieldError("address")}>
            <input {...fieldProps(`${prefix}-address`, fieldError("address"))} name="address" type="email" defaultValue={channel.address ?? ""} className={inputClass} />
          </Field>
        ) : (
          <>
            <Field id={`${prefix}-url`} label="New webhook URL" error={fieldError("url")} hint={`Now: ${channel.urlHost ?? "?"}. Blank keeps the current URL.`}>
              <input {...fieldProps(`${prefix}-url`, fieldError("url"), true)} name="url" type="url" autoComplete="off" className={inputClass} />
            </Field>
            <Field id={`${prefix}-format`} label="Format" error={fieldError("format")}>
              <select {...fieldProps(`${prefix}-format`, fieldError("format"))} name="format" defaultValue={channel.format} className={inputClass}>
                {FORMATS.map((format) => (
                  <option key={format.value} value={format.value}>
                    {format.label}
                  </option>
                ))}
              </select>
            </Field>
            <label className="flex items-start gap-2 text-sm text-stone-800">
              <input type="hidden" name="rotateSecret" value="false" />
              <input type="checkbox" name="rotateSecret" value="true" className="mt-0.5 h-4 w-4 rounded border-stone-300" />
              <span>{channel.hasSecret ? "Make a new signing secret (the old one stops working)" : "Make a signing secret"}</span>
            </label>
          </>
        )}
        <label className="flex items-start gap-2 text-sm text-stone-800">
          <input type="hidden" name="enabled" value="false" />
          <input type="checkbox" name="enabled" value="true" defaultChecked={channel.enabled} className="mt-0.5 h-4 w-4 rounded border-stone-300" />
          <span>Enabled</span>
        </label>
      </div>
      <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Saving…" : "Save channel"}
      </button>
    </form>
  );
}
