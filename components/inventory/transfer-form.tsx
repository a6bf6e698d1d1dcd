"use client";

import { useActionState, useEffect, useRef, useState, startTransition } from "react";
import { transferDevicesAction } from "@/app/(app)/inventory/actions";

export type TransferCandidate = { deviceId: string; name: string; typeLabel: string; farmId: number; farmName: string; storageLocation: string | null; inStock: boolean };
export type TransferFarm = { id: number; name: string };
export type TransferGroup = { id: number; name: string; farmId: number | null; farmName: string | null };

type Props = { candidates: TransferCandidate[]; selected: string[]; farms: TransferFarm[]; groups: TransferGroup[] };

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500";

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

/**
 * The "Transfer devices" form: which devices, to which farm, into which of that farm's groups, where
 * they are kept and why. Refusals come back per field from lib/inventory/transfers.ts.
 */
export function TransferForm({ candidates, selected, farms, groups }: Props) {
  const [state, formAction, pending] = useActionState(transferDevicesAction, null);
  const [farmId, setFarmId] = useState("");
  const [picked, setPicked] = useState<Set<string>>(new Set(selected));
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const error = (name: string) => errors?.[name]?.[0] ?? Object.entries(errors ?? {}).find(([key]) => key.startsWith(`${name}.`))?.[1]?.[0];
  const groupChoices = groups.filter((group) => farmId !== "" && (group.farmId === Number(farmId) || group.farmId === null));

  // A transfer done: the choices start again (adjusted while rendering, as React advises, not in an effect).
  const [seen, setSeen] = useState(state);
  if (seen !== state) {
    setSeen(state);
    if (state?.ok) {
      setPicked(new Set());
      setFarmId("");
    }
  }
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
    else if (state && !state.ok) formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [state]);

  const toggle = (deviceId: string) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(deviceId)) next.delete(deviceId);
      else next.add(deviceId);
      return next;
    });

  return (
    <form
      ref={formRef}
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {state && !state.ok ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Moved {state.data.devices.map((device) => device.deviceId).join(", ")} to {state.data.toFarm.name}.
          {state.data.devices.some((device) => device.configVersion !== null) ? " Their configuration now follows the farm's settings." : ""}
          {state.data.devices.some((device) => device.maintenanceCancelled > 0) ? ` ${state.data.devices.reduce((sum, device) => sum + device.maintenanceCancelled, 0)} planned maintenance job(s) of the old farm were cancelled.` : ""}
        </p>
      ) : null}

      <fieldset aria-invalid={error("deviceIds") ? true : undefined} aria-describedby={error("deviceIds") ? "transfer-deviceIds-error" : undefined}>
        <legend className="text-sm font-medium text-stone-800">Devices</legend>
        <p className="text-xs text-stone-500">Spares in stock are listed; type other device ids below.</p>
        {candidates.length ? (
          <ul className="mt-2 max-h-64 divide-y divide-stone-100 overflow-y-auto rounded-md border border-stone-200">
            {candidates.map((device) => (
              <li key={device.deviceId}>
                <label className="flex cursor-pointer items-start gap-2 px-3 py-2 text-sm hover:bg-stone-50">
                  <input type="checkbox" name="deviceIds" value={device.deviceId} checked={picked.has(device.deviceId)} onChange={() => toggle(device.deviceId)} className="mt-0.5 h-4 w-4" />
                  <span className="min-w-0">
                    <span className="font-medium text-stone-900">{device.deviceId}</span> <span className="text-stone-600">{device.name}</span>
                    <span className="block text-xs text-stone-500">
                      {device.typeLabel} · {device.farmName}
                      {device.storageLocation ? ` · ${device.storageLocation}` : ""}
                      {device.inStock ? "" : " · in use"}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        <label htmlFor="transfer-more" className="mt-2 block text-xs font-medium text-stone-600">
          Other device ids (comma-separated)
        </label>
        <input id="transfer-more" name="deviceIds" placeholder="MM001, AC014" className={INPUT} autoComplete="off" />
        <FieldError id="transfer-deviceIds-error" message={error("deviceIds")} />
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-1">
        <div>
          <label htmlFor="transfer-farm" className="block text-sm font-medium text-stone-800">
            Target farm
          </label>
          <select id="transfer-farm" name="toFarmId" value={farmId} onChange={(event) => setFarmId(event.target.value)} aria-invalid={error("toFarmId") ? true : undefined} aria-describedby="transfer-toFarmId-error" className={INPUT}>
            <option value="">Pick a farm</option>
            {farms.map((farm) => (
              <option key={farm.id} value={farm.id}>
                {farm.name}
              </option>
            ))}
          </select>
          <FieldError id="transfer-toFarmId-error" message={error("toFarmId")} />
        </div>
        <div>
          <label htmlFor="transfer-group" className="block text-sm font-medium text-stone-800">
            Target group
          </label>
          <select id="transfer-group" name="toGroupId" defaultValue="" key={farmId} aria-invalid={error("toGroupId") ? true : undefined} aria-describedby="transfer-toGroupId-hint transfer-toGroupId-error" className={INPUT}>
            <option value="">Keep each device&apos;s group if it fits</option>
            <option value="none">No group</option>
            {groupChoices.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
                {group.farmId === null ? " (all farms)" : ""}
              </option>
            ))}
          </select>
          <p id="transfer-toGroupId-hint" className="mt-1 text-xs text-stone-500">
            {farmId ? "Groups of the target farm and cross-farm groups." : "Pick the target farm first."}
          </p>
          <FieldError id="transfer-toGroupId-error" message={error("toGroupId")} />
        </div>
        <div>
          <label htmlFor="transfer-storage" className="block text-sm font-medium text-stone-800">
            Storage location at the target farm
          </label>
          <input id="transfer-storage" name="storageLocation" maxLength={120} placeholder="e.g. Main store, shelf B2" aria-invalid={error("storageLocation") ? true : undefined} className={INPUT} />
          <FieldError id="transfer-storageLocation-error" message={error("storageLocation")} />
        </div>
        <div>
          <label htmlFor="transfer-reason" className="block text-sm font-medium text-stone-800">
            Reason
          </label>
          <input id="transfer-reason" name="reason" maxLength={200} placeholder="e.g. Spares for the new parlour" aria-invalid={error("reason") ? true : undefined} className={INPUT} />
          <FieldError id="transfer-reason-error" message={error("reason")} />
        </div>
      </div>
      <p className="text-xs text-stone-500">
        The devices take the target farm&apos;s configuration, lose the tags their old farm made, and open maintenance planned by the old farm is cancelled. Everything moves or nothing does.
      </p>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Transferring…" : "Transfer devices"}
      </button>
    </form>
  );
}
