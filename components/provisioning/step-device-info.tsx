"use client";

import { DEVICE_ID_PREFIX, DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { controlProps, INPUT, WizardField, type Tone } from "./wizard-field";
import { deviceIdProgress, ID_FORMAT_MESSAGE, type WizardErrors, type WizardValues } from "./wizard-values";

export type IdCheck = { status: "idle" } | { status: "checking"; deviceId: string } | { status: "done"; deviceId: string; available: boolean; message: string } | { status: "failed"; deviceId: string; message: string };

type Props = {
  values: WizardValues;
  errors: WizardErrors;
  /** The id field was left or Next was pressed: an incomplete id now counts as wrong. */
  idTouched: boolean;
  idCheck: IdCheck;
  farms: { id: number; name: string; code: string }[];
  onChange: (field: "name" | "deviceId" | "farmId", value: string) => void;
  onIdBlur: () => void;
};

/** The one message under the id: a server or step error first, then the live format check, then the duplicate check. */
function idMessage({ values, errors, idTouched, idCheck }: Props): { message?: string; tone: Tone } {
  if (errors.deviceId) return { message: errors.deviceId, tone: "error" };
  const progress = deviceIdProgress(values.deviceId);
  if (progress === "impossible" || (idTouched && progress === "incomplete")) return { message: ID_FORMAT_MESSAGE, tone: "error" };
  if (progress === "valid" && idCheck.status !== "idle" && idCheck.deviceId === values.deviceId) {
    if (idCheck.status === "checking") return { message: `Checking that ${values.deviceId} is free…`, tone: "hint" };
    if (idCheck.status === "failed") return { message: idCheck.message, tone: "hint" };
    return { message: idCheck.message, tone: idCheck.available ? "ok" : "error" };
  }
  const prefix = values.deviceType ? DEVICE_ID_PREFIX[values.deviceType] : null;
  return { message: prefix ? `${ID_FORMAT_MESSAGE}. ${DEVICE_TYPE_LABEL[values.deviceType as keyof typeof DEVICE_TYPE_LABEL]}s start with ${prefix}, e.g. ${prefix}014.` : ID_FORMAT_MESSAGE, tone: "hint" };
}

/** Step 2 (M92 validateStep2): name, device id (checked live) and farm. */
export function StepDeviceInfo(props: Props) {
  const { values, errors, farms, onChange, onIdBlur } = props;
  const id = idMessage(props);
  const farmLocked = farms.length === 1;
  return (
    <div className="space-y-4">
      <WizardField id="wizard-name" label="Device name" message={errors.name} tone="error">
        <input
          {...controlProps("wizard-name", errors.name ? "error" : undefined, errors.name)}
          className={INPUT}
          value={values.name}
          onChange={(event) => onChange("name", event.target.value)}
          maxLength={120}
          autoComplete="off"
          placeholder={values.deviceType ? `e.g. ${DEVICE_TYPE_LABEL[values.deviceType]}, parlour stall 14` : "e.g. Parlour stall 14"}
        />
      </WizardField>

      <WizardField id="wizard-deviceId" label="Device ID" message={id.message} tone={id.tone}>
        <input
          {...controlProps("wizard-deviceId", id.tone, id.message)}
          className={`${INPUT} font-mono tracking-wider uppercase`}
          value={values.deviceId}
          onChange={(event) => onChange("deviceId", event.target.value)}
          onBlur={onIdBlur}
          maxLength={12}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          placeholder={values.deviceType ? `${DEVICE_ID_PREFIX[values.deviceType]}014` : "MM014"}
        />
      </WizardField>

      <WizardField id="wizard-farmId" label="Farm" message={errors.farmId ?? (farmLocked ? "You provision devices for your own farm." : undefined)} tone={errors.farmId ? "error" : "hint"}>
        <select
          {...controlProps("wizard-farmId", errors.farmId ? "error" : undefined, errors.farmId ?? farmLocked)}
          className={INPUT}
          value={values.farmId}
          onChange={(event) => onChange("farmId", event.target.value)}
        >
          {farmLocked ? null : <option value="">Choose a farm…</option>}
          {farms.map((farm) => (
            <option key={farm.id} value={String(farm.id)}>
              {farm.name} ({farm.code})
            </option>
          ))}
        </select>
      </WizardField>
    </div>
  );
}
