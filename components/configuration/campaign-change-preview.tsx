"use client";

import { useEffect, useState } from "react";
import { previewConfigChangeAction } from "@/app/(app)/updates/actions";
import type { ConfigChangePreview } from "@/lib/configuration/config-campaigns";
import { formatSetting, type FormField } from "@/lib/configuration/config-form-fields";
import type { ConfigObject } from "@/lib/configuration/config-schemas";
import type { TargetInput } from "@/components/ota/rollout-fields";

type PreviewState = { key: string; preview: ConfigChangePreview | null; error: string | null };

/**
 * What the campaign changes on the devices it reaches, asked from the server as the person edits
 * the change or the devices: each device's current value, not the type's default (a farm or group
 * layer may already set it). null while it is being asked (or nothing to ask yet).
 */
export function useChangePreview(request: { deviceType: string; changes: ConfigObject; selection: TargetInput }, ready: boolean) {
  const key = JSON.stringify(request);
  const [state, setState] = useState<PreviewState | null>(null);
  useEffect(() => {
    if (!ready) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await previewConfigChangeAction(null, JSON.parse(key));
      if (!current) return;
      setState(result.ok ? { key, preview: result.data, error: null } : { key, preview: null, error: [result.error, ...Object.values(result.fieldErrors ?? {}).flat()].join(" ") });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, ready]);
  return ready && state?.key === key ? state : null;
}

const devices = (count: number) => `${count} device${count === 1 ? "" : "s"}`;
const settingTitle = (path: string, field: (FormField & { section?: string }) | undefined) => (field ? `${field.section ? `${field.section} · ` : ""}${field.title}` : path);

/** One line per current value, e.g. "Ammonia high: 30 ppm on 3 devices → 35 ppm", or "already 35 ppm on 2 devices". */
export function changeLines(preview: ConfigChangePreview, fields: ReadonlyMap<string, FormField & { section?: string }>): { path: string; text: string; unchanged: boolean }[] {
  return preview.settings.flatMap((setting) => {
    const field = fields.get(setting.path);
    const to = formatSetting(setting.to, field);
    return setting.current.map((current) => {
      const unchanged = JSON.stringify(current.value) === JSON.stringify(setting.to);
      const from = current.value === null ? "not set" : formatSetting(current.value, field);
      return { path: setting.path, unchanged, text: unchanged ? `${settingTitle(setting.path, field)}: already ${to} on ${devices(current.devices)}` : `${settingTitle(setting.path, field)}: ${from} on ${devices(current.devices)} → ${to}` };
    });
  });
}

/** The server's answer shown in the change step: what each device runs now → what the campaign sets, and the devices it would make invalid. */
export function CampaignChangePreview({ preview, fields }: { preview: ConfigChangePreview; fields: ReadonlyMap<string, FormField & { section?: string }> }) {
  if (!preview.deviceCount) {
    return (
      <p data-testid="cfg-change-preview" className="text-sm text-amber-800">
        None of the selected devices can take this change{preview.skipped.length ? ` (${preview.skipped.slice(0, 3).map((entry) => `${entry.deviceId} ${entry.reason}`).join("; ")})` : ""}.
      </p>
    );
  }
  return (
    <div data-testid="cfg-change-preview" className="text-sm">
      <p className="mb-1 font-medium text-stone-800">On the {devices(preview.deviceCount)} it reaches now:</p>
      <ul className="space-y-0.5">
        {changeLines(preview, fields).map((line) => (
          <li key={line.text} data-diff-path={line.path} className={line.unchanged ? "text-stone-600" : "text-stone-900"}>
            {line.text}
          </li>
        ))}
      </ul>
      {preview.invalid.devices ? (
        <p role="alert" className="mt-2 text-red-700">
          The change would make the configuration of {devices(preview.invalid.devices)} invalid ({preview.invalid.deviceIds.join(", ")}{preview.invalid.devices > preview.invalid.deviceIds.length ? ", …" : ""}): {preview.invalid.reasons.join("; ")}
        </p>
      ) : null}
    </div>
  );
}
