"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { checkDeviceIdAction, provisionDeviceAction, type Provisioned } from "@/app/(app)/provisioning/actions";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { labelPayload } from "@/lib/provisioning/qr-payload";
import { CredentialsPanel } from "./credentials-panel";
import { LabelScanner, type ReadLabel, type ReadSource } from "./label-scanner";
import { QrCode } from "./qr-code";
import { StepDeviceInfo, type IdCheck } from "./step-device-info";
import { StepDeviceType } from "./step-device-type";
import { StepHardware } from "./step-hardware";
import { StepReview } from "./step-review";
import { PRIMARY_BUTTON, SECONDARY_BUTTON } from "./wizard-field";
import {
  deviceIdProgress,
  EMPTY_VALUES,
  errorsFromServer,
  idAfterTypeChange,
  normaliseDeviceId,
  STEP_TITLES,
  tidyMac,
  validateStep,
  type FieldName,
  type StepNumber,
  type WizardErrors,
  type WizardValues,
} from "./wizard-values";

type Farm = { id: number; name: string; code: string };

/** The whole wizard in one object: Back and Next move `step`, nothing typed is lost. */
type WizardState = {
  step: StepNumber;
  values: WizardValues;
  errors: WizardErrors;
  idTouched: boolean;
  method: "manual" | "qr_code";
  /** What the last scan filled in, said once above the step. */
  notice: string | null;
  formError: string | null;
  created: Provisioned | null;
};

function initialState(defaultFarmId: number | null): WizardState {
  return {
    step: 1,
    values: { ...EMPTY_VALUES, farmId: defaultFarmId ? String(defaultFarmId) : "" },
    errors: {},
    idTouched: false,
    method: "manual",
    notice: null,
    formError: null,
    created: null,
  };
}

const TOTAL_STEPS = 5;
const ID_CHECK_DELAY_MS = 350;

export function ProvisioningWizard({ farms, defaultFarmId }: { farms: Farm[]; defaultFarmId: number | null }) {
  const [state, setState] = useState<WizardState>(() => initialState(defaultFarmId));
  const [idCheck, setIdCheck] = useState<IdCheck>({ status: "idle" });
  const [scanning, setScanning] = useState(false);
  const [creating, startCreating] = useTransition();
  const [advancing, setAdvancing] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const checkTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latestCheck = useRef<{ deviceId: string; result: Promise<IdCheck> } | null>(null);
  const focusAfterRender = useRef<"heading" | "error" | null>(null);

  const { step, values, errors } = state;

  // After a step change the heading takes the focus (a screen reader hears "Step 2 of 5"); after
  // a refusal the first field in error does.
  useEffect(() => {
    const target = focusAfterRender.current;
    focusAfterRender.current = null;
    if (target === "heading") headingRef.current?.focus({ preventScroll: false });
    if (target === "error") bodyRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  });

  /** Asks the server whether the id is free; answers for an id typed since are dropped. */
  const runIdCheck = useCallback((deviceId: string): Promise<IdCheck> => {
    const result = (async (): Promise<IdCheck> => {
      setIdCheck({ status: "checking", deviceId });
      try {
        const answer = await checkDeviceIdAction(null, { deviceId });
        return answer.ok ? { status: "done", deviceId, available: answer.data.available, message: answer.data.message } : { status: "failed", deviceId, message: answer.error };
      } catch {
        return { status: "failed", deviceId, message: "Could not check the id just now; it is checked again when the device is created." };
      }
    })();
    latestCheck.current = { deviceId, result };
    void result.then((answer) => {
      if (latestCheck.current?.deviceId === deviceId) setIdCheck(answer);
    });
    return result;
  }, []);

  const scheduleIdCheck = useCallback(
    (deviceId: string) => {
      if (checkTimer.current) clearTimeout(checkTimer.current);
      latestCheck.current = null;
      if (deviceIdProgress(deviceId) !== "valid") {
        setIdCheck({ status: "idle" });
        return;
      }
      checkTimer.current = setTimeout(() => void runIdCheck(deviceId), ID_CHECK_DELAY_MS);
    },
    [runIdCheck],
  );

  useEffect(() => () => {
    if (checkTimer.current) clearTimeout(checkTimer.current);
  }, []);

  const setField = (field: FieldName, raw: string) => {
    const value = field === "deviceId" ? normaliseDeviceId(raw) : raw;
    setState((current) => {
      const nextErrors = { ...current.errors };
      delete nextErrors[field];
      return { ...current, values: { ...current.values, [field]: value }, errors: nextErrors, formError: null };
    });
    if (field === "deviceId") scheduleIdCheck(value);
  };

  const chooseType = (type: DeviceTypeName) => {
    const deviceId = idAfterTypeChange(values.deviceId, type);
    setState((current) => {
      const nextErrors = { ...current.errors };
      delete nextErrors.deviceType;
      return { ...current, values: { ...current.values, deviceType: type, deviceId }, errors: nextErrors };
    });
    if (deviceId !== values.deviceId) scheduleIdCheck(deviceId);
  };

  const goTo = (next: StepNumber, patch: Partial<WizardState> = {}) => {
    focusAfterRender.current = "heading";
    setState((current) => ({ ...current, ...patch, step: next, notice: patch.notice ?? (next === current.step ? current.notice : null) }));
    if (typeof window !== "undefined") window.scrollTo({ top: 0, behavior: "smooth" });
  };

  const refuse = (stepErrors: WizardErrors, patch: Partial<WizardState> = {}) => {
    focusAfterRender.current = "error";
    setState((current) => ({ ...current, ...patch, errors: { ...current.errors, ...stepErrors } }));
  };

  /** The duplicate id is refused here, before review: the answer already in, or asked now. */
  const idVerdict = async (deviceId: string): Promise<IdCheck> => {
    if (idCheck.status === "done" && idCheck.deviceId === deviceId) return idCheck;
    if (checkTimer.current) clearTimeout(checkTimer.current);
    if (latestCheck.current?.deviceId === deviceId) return latestCheck.current.result;
    return runIdCheck(deviceId);
  };

  const next = async () => {
    if (step === 1) {
      const stepErrors = validateStep(1, values);
      if (Object.keys(stepErrors).length) return refuse(stepErrors);
      return goTo(2);
    }
    if (step === 2) {
      const stepErrors = validateStep(2, values);
      if (Object.keys(stepErrors).length) return refuse(stepErrors, { idTouched: true });
      setAdvancing(true);
      const verdict = await idVerdict(values.deviceId);
      setAdvancing(false);
      if (verdict.status === "done" && !verdict.available) return refuse({ deviceId: verdict.message }, { idTouched: true });
      return goTo(3, { idTouched: true });
    }
    if (step === 3) {
      const tidied = { ...values, macAddress: tidyMac(values.macAddress) };
      const stepErrors = validateStep(3, tidied);
      if (Object.keys(stepErrors).length) return refuse(stepErrors, { values: tidied });
      return goTo(4, { values: tidied });
    }
  };

  const back = () => {
    if (step > 1 && step < 5) goTo((step - 1) as StepNumber);
  };

  const create = () => {
    startCreating(async () => {
      const { deviceType, ...rest } = values;
      const answer = await provisionDeviceAction(null, { ...rest, deviceType: deviceType as DeviceTypeName, provisioningMethod: state.method });
      if (answer.ok) {
        // The new id is taken now; forget the "free" verdict so "Provision another" starts clean.
        setIdCheck({ status: "idle" });
        goTo(5, { created: answer.data, formError: null });
        return;
      }
      const { errors: serverErrors, step: errorStep } = errorsFromServer(answer.fieldErrors);
      if (errorStep) {
        focusAfterRender.current = "error";
        setState((current) => ({ ...current, step: errorStep, errors: serverErrors, idTouched: true, formError: `Not created: ${answer.error} Correct the field marked below.` }));
        if (serverErrors.deviceId) setIdCheck({ status: "done", deviceId: values.deviceId, available: false, message: serverErrors.deviceId });
        return;
      }
      setState((current) => ({ ...current, formError: answer.error }));
    });
  };

  const provisionAnother = () => {
    setIdCheck({ status: "idle" });
    focusAfterRender.current = "heading";
    setState(initialState(defaultFarmId));
    window.scrollTo({ top: 0 });
  };

  const onLabelRead = (label: ReadLabel, source: ReadSource) => {
    setScanning(false);
    const deviceId = label.deviceId ?? values.deviceId;
    const deviceType = label.deviceType ?? (values.deviceType || "");
    const read = [label.deviceId, label.deviceType ? DEVICE_TYPE_LABEL[label.deviceType] : null, label.serialNumber ? `serial ${label.serialNumber}` : null].filter(Boolean).join(" · ");
    const nextStep: StepNumber = deviceType ? 2 : 1;
    const notice = deviceType
      ? `Label read: ${read}. Give the device a name and check the farm.`
      : `Label read: ${read}. The id does not tell the type: pick it below.`;
    focusAfterRender.current = "heading";
    setState((current) => ({
      ...current,
      step: nextStep,
      values: { ...current.values, deviceId, deviceType, serialNumber: label.serialNumber ?? current.values.serialNumber },
      errors: {},
      idTouched: true,
      method: source === "typed" ? current.method : "qr_code",
      notice,
      formError: null,
    }));
    scheduleIdCheck(deviceId);
  };

  const farmName = farms.find((farm) => String(farm.id) === values.farmId)?.name ?? "";
  const created = state.created;

  return (
    <div className="mx-auto max-w-3xl pb-24 sm:pb-0">
      <div className="rounded-2xl border border-stone-200 bg-white shadow-sm">
        <div className="border-b border-stone-100 p-4 sm:p-5">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <p className="text-sm font-medium text-brand-700" aria-live="polite">
                Step {step} of {TOTAL_STEPS}
              </p>
              <h2 ref={headingRef} tabIndex={-1} className="text-xl font-semibold text-stone-900 focus:outline-none">
                {STEP_TITLES[step - 1]}
              </h2>
            </div>
            {step < 4 ? (
              <button type="button" className={`${SECONDARY_BUTTON} shrink-0`} onClick={() => setScanning(true)}>
                <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
                  <path d="M4 8V5a1 1 0 011-1h3M16 4h3a1 1 0 011 1v3M20 16v3a1 1 0 01-1 1h-3M8 20H5a1 1 0 01-1-1v-3M7 12h10" />
                </svg>
                Scan label
              </button>
            ) : null}
          </div>
          <Progress step={step} />
        </div>

        <div ref={bodyRef} className="space-y-4 p-4 sm:p-5">
          {state.notice ? (
            <p role="status" className="rounded-lg border border-green-300 bg-green-50 px-3 py-2.5 text-sm text-green-900">
              {state.notice}
            </p>
          ) : null}
          {state.formError ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800">
              {state.formError}
            </p>
          ) : null}

          {step === 1 ? <StepDeviceType value={values.deviceType} error={errors.deviceType} onChange={chooseType} /> : null}
          {step === 2 ? (
            <StepDeviceInfo
              values={values}
              errors={errors}
              idTouched={state.idTouched}
              idCheck={idCheck}
              farms={farms}
              onChange={setField}
              onIdBlur={() => setState((current) => ({ ...current, idTouched: current.values.deviceId.length > 0 || current.idTouched }))}
            />
          ) : null}
          {step === 3 ? <StepHardware values={values} errors={errors} onChange={setField} onMacBlur={() => setField("macAddress", tidyMac(values.macAddress))} /> : null}
          {step === 4 ? <StepReview values={values} farmName={farmName} onEdit={(target) => goTo(target)} /> : null}
          {step === 5 && created ? <Created created={created} serialNumber={values.serialNumber} onAnother={provisionAnother} /> : null}
        </div>

        {step < 5 ? (
          <div className="fixed inset-x-0 bottom-0 z-30 flex gap-3 border-t border-stone-200 bg-white/95 p-3 backdrop-blur sm:static sm:justify-between sm:rounded-b-2xl sm:bg-stone-50 sm:px-5">
            <button type="button" className={`${SECONDARY_BUTTON} flex-1 sm:flex-none`} onClick={back} disabled={step === 1 || creating}>
              Back
            </button>
            {step < 4 ? (
              <button type="button" className={`${PRIMARY_BUTTON} flex-[2] sm:flex-none`} onClick={() => void next()} disabled={advancing}>
                {advancing ? "Checking…" : "Next"}
              </button>
            ) : (
              <button type="button" className={`${PRIMARY_BUTTON} flex-[2] sm:flex-none`} onClick={create} disabled={creating}>
                {creating ? "Creating…" : "Create device"}
              </button>
            )}
          </div>
        ) : null}
      </div>

      {scanning ? <LabelScanner onRead={onLabelRead} onClose={() => setScanning(false)} /> : null}
    </div>
  );
}

/** "Step 2 of 5" as a bar, and the step names where there is room for them. */
function Progress({ step }: { step: StepNumber }) {
  return (
    <ol className="mt-3 grid grid-cols-5 gap-1.5" aria-label="Progress">
      {STEP_TITLES.map((title, index) => {
        const number = index + 1;
        const done = number < step;
        const current = number === step;
        return (
          <li key={title} aria-current={current ? "step" : undefined} className="min-w-0">
            <span className={`block h-1.5 rounded-full ${done || current ? "bg-brand-700" : "bg-stone-200"}`} aria-hidden />
            <span className={`mt-1.5 hidden truncate text-xs sm:block ${current ? "font-semibold text-stone-900" : done ? "text-stone-600" : "text-stone-500"}`}>
              {number}. {title}
            </span>
            <span className="sr-only sm:hidden">
              {number}. {title}
              {done ? " (done)" : ""}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Step 5: the credentials once, the label, and where to go next. */
function Created({ created, serialNumber, onAnother }: { created: Provisioned; serialNumber: string; onAnother: () => void }) {
  const { device, credentials } = created;
  const deviceType = device.deviceType as DeviceTypeName;
  return (
    <div className="space-y-5">
      <div className="flex items-start gap-3 rounded-xl border border-green-300 bg-green-50 p-3 text-green-950">
        <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-green-700 text-white" aria-hidden>
          ✓
        </span>
        <div>
          <p className="font-semibold">
            {device.name} ({device.deviceId}) is provisioned.
          </p>
          <p className="text-sm">Give these credentials to the device. It shows as online on its page as soon as it connects.</p>
        </div>
      </div>

      <CredentialsPanel device={{ deviceId: device.deviceId, name: device.name, deviceType: device.deviceType }} credentials={credentials} />

      <section className="flex flex-col items-center gap-4 rounded-xl border border-stone-200 p-4 sm:flex-row sm:items-start" aria-label="Device label">
        <QrCode value={labelPayload({ deviceId: device.deviceId, deviceType, serialNumber })} size={128} title={`QR code of the label for ${device.deviceId}`} className="shrink-0 rounded border border-stone-200" />
        <div className="space-y-2 text-center sm:text-left">
          <p className="font-mono text-lg font-semibold">{device.deviceId}</p>
          <p className="text-sm text-stone-600">{DEVICE_TYPE_LABEL[deviceType]} · the label carries no password, only the device&apos;s identity.</p>
          <Link href={`/provisioning/label/${device.deviceId}`} target="_blank" rel="noopener" className={SECONDARY_BUTTON}>
            Print label
            <span className="sr-only"> (opens in a new tab)</span>
          </Link>
        </div>
      </section>

      <div className="flex flex-col gap-2 sm:flex-row">
        <Link href={`/devices/${device.deviceId}`} className={`${PRIMARY_BUTTON} sm:flex-none`}>
          Open device
        </Link>
        <button type="button" className={SECONDARY_BUTTON} onClick={onAnother}>
          Provision another
        </button>
      </div>
    </div>
  );
}

