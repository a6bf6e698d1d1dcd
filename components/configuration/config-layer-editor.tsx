"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { z } from "zod";
import { flattenConfig } from "@/lib/configuration/config-layers";
import type { ConfigObject } from "@/lib/configuration/config-schemas";
import { deleteLayerAction, previewLayerAction, saveLayerAction } from "@/lib/configuration/config-actions";
import type { LayerPreview, LayerView } from "@/lib/configuration/layer-service";
import { healthThresholdsSchema, HEALTH_PROFILE_LABEL, type HealthProfile } from "@/lib/health/health-thresholds";
import { ConfigDiffTable, diffRows } from "./config-diff-table";
import { fieldIndex, formSections } from "@/lib/configuration/config-form-fields";
import { draftOutcome } from "@/lib/configuration/config-draft";
import { LayeredSettingsForm, type Draft, type LayeredValues, type Leaf, type SettingSource } from "./layered-settings-form";
import { SaveOutcome, type SaveFailure } from "./save-outcome";

const HEALTH_SCHEMA = z.toJSONSchema(healthThresholdsSchema);


function layered(current: ConfigObject, inherited: ConfigObject, own: ConfigObject, sources: Record<string, SettingSource>): LayeredValues {
  return { current: flattenConfig(current) as Record<string, Leaf>, inherited: flattenConfig(inherited) as Record<string, Leaf>, own: new Set(Object.keys(flattenConfig(own))), sources };
}

/**
 * A farm's or group's override editor for one device type: the settings its devices inherit (each
 * shown with where it comes from) and the health limits they are judged by. Saving first shows how
 * many devices it reaches and what changes; the worker then gives each device a new version.
 */
export function ConfigLayerEditor({ layer, canManage }: { layer: LayerView; canManage: boolean }) {
  const router = useRouter();
  const level = layer.scope === "farm" ? "this farm" : "this group";
  const sections = useMemo(() => formSections(layer.schema), [layer.schema]);
  const fields = useMemo(() => fieldIndex(sections), [sections]);
  const healthSections = useMemo(() => formSections(HEALTH_SCHEMA, "Health limits"), []);
  const healthFields = useMemo(() => fieldIndex(healthSections), [healthSections]);

  const own = layer.scope === "farm" ? "Farm" : "Group";
  const values = useMemo(() => {
    const sources = { ...layer.inherited.sources } as Record<string, SettingSource>;
    for (const path of Object.keys(flattenConfig(layer.values))) sources[path] = { kind: layer.scope, label: `${own} ${layer.scopeName}` };
    return layered(layer.effective.config, layer.inherited.config, layer.values, sources);
  }, [layer, own]);
  const healthValues = useMemo(() => {
    const profileName = `the ${layer.inheritedHealth.profile === "i013" ? "I-013" : "M92"} profile`;
    // A group's inherited limit may come from its farm, a parent group or, when neither sets it, the profile.
    const inheritedLabel = layer.scope === "farm" ? profileName : `the farm, a parent group or ${profileName}`;
    const sources = Object.fromEntries(Object.keys(layer.effectiveHealth).map((key) => [key, { kind: "inherited", label: inheritedLabel }]));
    return layered(layer.effectiveHealth as unknown as ConfigObject, layer.inheritedHealth as unknown as ConfigObject, layer.health as ConfigObject, sources);
  }, [layer]);

  const [draft, setDraftState] = useState<Draft>({});
  const [healthDraft, setHealthDraftState] = useState<Draft>({});
  // the layer version the person started from: someone else's save meanwhile is a 409
  const [startedFrom, setStartedFrom] = useState(layer.version);
  const untouched = Object.keys(draft).length + Object.keys(healthDraft).length === 0;
  const setDraft = (next: Draft) => {
    if (untouched) setStartedFrom(layer.version);
    setDraftState(next);
  };
  const setHealthDraft = (next: Draft) => {
    if (untouched) setStartedFrom(layer.version);
    setHealthDraftState(next);
  };
  const [preview, setPreview] = useState<LayerPreview | null>(null);
  const [reason, setReason] = useState("");
  const [failure, setFailure] = useState<SaveFailure | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const outcome = useMemo(() => draftOutcome(fields, values, draft), [fields, values, draft]);
  const healthOutcome = useMemo(() => draftOutcome(healthFields, healthValues, healthDraft), [healthFields, healthValues, healthDraft]);
  const changed = Object.keys(draft).length + Object.keys(healthDraft).length;
  const localErrors = Object.keys(outcome.errors).length + Object.keys(healthOutcome.errors).length > 0;
  const serverErrors = failure?.fields ?? {};
  const healthServerErrors = Object.fromEntries(Object.entries(serverErrors).filter(([path]) => path.startsWith("health.")).map(([path, messages]) => [path.slice("health.".length), messages]));
  const target = { scope: layer.scope, scopeId: layer.scopeId, deviceType: layer.deviceType };

  const fail = (error: string, fieldErrors: Record<string, string[]> | undefined) => {
    const conflict = "version" in (fieldErrors ?? {}) && /changed since|removed since/.test(error);
    setFailure({ message: error, conflict, fields: conflict ? {} : (fieldErrors ?? {}) });
  };
  const review = () =>
    startTransition(async () => {
      setFailure(null);
      setSaved(null);
      const result = await previewLayerAction(null, { ...target, values: outcome.ownAfter, health: healthOutcome.ownAfter });
      if (result.ok) setPreview(result.data);
      else fail(result.error, result.fieldErrors);
    });
  const confirm = () =>
    startTransition(async () => {
      const result = await saveLayerAction(null, { ...target, values: outcome.ownAfter, health: healthOutcome.ownAfter, version: startedFrom, reason: reason.trim() || undefined });
      if (result.ok) {
        setDraft({});
        setHealthDraft({});
        setPreview(null);
        setReason("");
        setSaved(`Saved (settings version ${result.data.version}). ${result.data.devices} ${result.data.devices === 1 ? "device gets" : "devices get"} a new configuration version from the worker shortly.`);
        router.refresh();
      } else {
        setPreview(null);
        fail(result.error, result.fieldErrors);
      }
    });
  const removeAll = () =>
    startTransition(async () => {
      if (!window.confirm(`Remove every ${layer.deviceType.replace(/_/g, " ")} setting and health limit of ${level}? Its devices inherit from above again.`)) return;
      const result = await deleteLayerAction(null, { ...target, version: layer.version, reason: reason.trim() || undefined });
      if (result.ok) {
        setSaved(`Removed. ${result.data.devices} ${result.data.devices === 1 ? "device inherits" : "devices inherit"} from above again.`);
        router.refresh();
      } else fail(result.error, result.fieldErrors);
    });
  const reload = () => {
    setDraft({});
    setHealthDraft({});
    setPreview(null);
    setFailure(null);
    router.refresh();
  };

  const profile = (healthDraft.profile && "value" in healthDraft.profile ? healthDraft.profile.value : layer.effectiveHealth.profile) as HealthProfile;
  const healthRows = preview
    ? Object.keys(preview.healthAfter)
        .filter((key) => preview.healthBefore[key as keyof typeof preview.healthBefore] !== preview.healthAfter[key as keyof typeof preview.healthAfter])
        .map((key) => ({ path: key, from: preview.healthBefore[key as keyof typeof preview.healthBefore], to: preview.healthAfter[key as keyof typeof preview.healthAfter] }))
    : [];

  return (
    <div className="space-y-4" data-testid="layer-editor" data-device-type={layer.deviceType}>
      <p className="text-sm text-stone-600">
        {layer.devices} {layer.devices === 1 ? "device" : "devices"} of this type {layer.scope === "farm" ? "on this farm" : "in this group and its sub-groups"}.{" "}
        {layer.exists ? `Own settings at version ${layer.version}${layer.updatedBy ? `, last changed by ${layer.updatedBy}` : ""}${layer.reason ? ` (“${layer.reason}”)` : ""}.` : `No own settings yet: everything is inherited.`}
      </p>
      <SaveOutcome saved={saved} failure={failure} conflictTitle="Someone changed these settings meanwhile." reloadLabel="Reload (your changes are dropped)" onReload={reload} />

      {preview ? (
        <section aria-labelledby={`layer-review-${layer.deviceType}`} className="space-y-3 rounded-lg border border-amber-300 bg-amber-50/40 p-3" data-testid="layer-review">
          <h3 id={`layer-review-${layer.deviceType}`} className="text-sm font-semibold text-stone-800">
            This reaches {preview.devices} {preview.devices === 1 ? "device" : "devices"}. What a device here without its own values gets:
          </h3>
          <ConfigDiffTable rows={diffRows(preview.diff)} fields={fields} fromLabel="Now" toLabel="After" empty="No configuration value changes." />
          {healthRows.length ? <ConfigDiffTable rows={healthRows} fields={healthFields} fromLabel="Health limits now" toLabel="After" /> : null}
          <div>
            <label htmlFor={`layer-reason-${layer.deviceType}`} className="mb-1 block text-sm font-medium text-stone-800">
              Reason <span className="font-normal text-stone-500">(kept with the change)</span>
            </label>
            <input id={`layer-reason-${layer.deviceType}`} className="w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} onClick={confirm} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
              {pending ? "Saving…" : "Save"}
            </button>
            <button type="button" disabled={pending} onClick={() => setPreview(null)} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Back to editing
            </button>
          </div>
        </section>
      ) : null}

      <div>
        <h3 className="mb-2 text-xs font-semibold tracking-wide text-stone-500 uppercase">Device settings</h3>
        <LayeredSettingsForm sections={sections} values={values} draft={draft} onDraft={(next) => (setDraft(next), setSaved(null))} readOnly={!canManage || preview !== null || pending} errors={{ ...serverErrors, ...outcome.errors }} levelLabel={level} idPrefix={`layer-${layer.deviceType}`} />
      </div>
      <div>
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Health thresholds</h3>
        <p className="mb-2 text-xs text-stone-500">
          Judged by the app, not sent to the devices. Profile now: {HEALTH_PROFILE_LABEL[profile]}. Limits left inherited follow the profile.
        </p>
        <LayeredSettingsForm sections={healthSections} values={healthValues} draft={healthDraft} onDraft={(next) => (setHealthDraft(next), setSaved(null))} readOnly={!canManage || preview !== null || pending} errors={{ ...healthServerErrors, ...healthOutcome.errors }} levelLabel={level} idPrefix={`health-${layer.deviceType}`} />
      </div>

      {canManage && !preview ? (
        <div className={`${changed ? "sticky bottom-0 z-10" : ""} flex flex-wrap gap-2 border-t border-stone-200 bg-white py-2`}>
          <button type="button" disabled={!changed || localErrors || pending} onClick={review} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-50">
            {pending ? "Checking…" : `Review changes${changed ? ` (${changed})` : ""}`}
          </button>
          {changed ? (
            <button type="button" onClick={() => (setDraft({}), setHealthDraft({}), setFailure(null))} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Discard
            </button>
          ) : null}
          {layer.exists && !changed ? (
            <button type="button" disabled={pending} onClick={removeAll} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50">
              Remove all own settings…
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
