"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { beginEnrolmentAction, confirmEnrolmentAction, disableTwoFactorAction, regenerateRecoveryCodesAction } from "@/app/(app)/profile/security/actions";

const input = "w-full max-w-xs rounded-md border border-stone-300 px-3 py-2 text-base";
const primary = "inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 font-medium text-white hover:bg-brand-800 disabled:opacity-60";
const secondary = "inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-3 text-sm font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-60";

function Alert({ text }: { text?: string }) {
  return text ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {text}
    </p>
  ) : null;
}

/** The recovery codes, shown once: copy, download or print them now. */
function RecoveryCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  const t = useTranslations("profile.twoFactor");
  const text = codes.join("\n");
  return (
    <div className="rounded-md border border-green-300 bg-green-50 p-4" role="status">
      <p className="font-medium text-green-900">{t("codesTitle")}</p>
      <p className="mt-1 text-sm text-green-900">{t("codesText")}</p>
      <ol className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm sm:grid-cols-2" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" className={secondary} onClick={() => navigator.clipboard?.writeText(text).then(() => setCopied(true))}>
          {copied ? t("copied") : t("copy")}
        </button>
        <a className={secondary} download="smart-dairy-recovery-codes.txt" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text + "\n")}`}>
          {t("download")}
        </a>
      </div>
    </div>
  );
}

function Enrol({ hasPassword }: { hasPassword: boolean }) {
  const [started, start, starting] = useActionState(beginEnrolmentAction, null);
  const [confirmed, confirm, confirming] = useActionState(confirmEnrolmentAction, null);
  const t = useTranslations("profile.twoFactor");
  if (confirmed?.ok) {
    return (
      <div className="space-y-3">
        <p className="text-sm font-medium text-brand-800">{t("nowOn")}</p>
        <RecoveryCodes codes={confirmed.data.recoveryCodes} />
        <a href="/profile/security" className={secondary}>
          {t("done")}
        </a>
      </div>
    );
  }
  if (!started?.ok) {
    const passwordError = started && !started.ok ? (started.fieldErrors?.password?.[0] ?? started.error) : undefined;
    return (
      <form action={start} className="space-y-3" noValidate>
        <p className="text-sm text-stone-700">{t("off")}</p>
        {hasPassword ? (
          <div className="space-y-1">
            <label htmlFor="enrol-password" className="block text-sm font-medium text-stone-700">
              {t("currentPassword")}
            </label>
            <input id="enrol-password" name="password" type="password" autoComplete="current-password" className={input} aria-invalid={Boolean(passwordError)} />
          </div>
        ) : (
          <p className="text-sm text-stone-700">{t("noPassword")}</p>
        )}
        <Alert text={passwordError} />
        <button type="submit" disabled={starting || !hasPassword} className={primary}>
          {starting ? t("preparing") : t("setUp")}
        </button>
      </form>
    );
  }
  const { qrDataUrl, secretGrouped } = started.data;
  const codeError = confirmed && !confirmed.ok ? (confirmed.fieldErrors?.code?.[0] ?? confirmed.error) : undefined;
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-700">
        <li>{t("step1")}</li>
        <li>{t("step2")}</li>
        <li>{t("step3")}</li>
      </ol>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={qrDataUrl} alt={t("qrAlt")} width={180} height={180} className="rounded border border-stone-200" />
        <div className="min-w-0">
          <p className="text-sm font-medium text-stone-700">{t("keyTitle")}</p>
          <code className="mt-1 block break-all rounded bg-stone-100 px-2 py-1 font-mono text-sm" data-testid="totp-secret">
            {secretGrouped}
          </code>
          <p className="mt-1 text-xs text-stone-500">{t("keyNote")}</p>
        </div>
      </div>
      <form action={confirm} className="space-y-2" noValidate>
        <label htmlFor="totp-confirm" className="block text-sm font-medium text-stone-700">
          {t("codeLabel")}
        </label>
        <input id="totp-confirm" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={7} className={input} aria-invalid={Boolean(codeError)} aria-describedby={codeError ? "totp-confirm-error" : undefined} />
        {codeError ? (
          <p id="totp-confirm-error" role="alert" className="text-sm text-red-700">
            {codeError}
          </p>
        ) : null}
        <div>
          <button type="submit" disabled={confirming} className={primary}>
            {confirming ? t("checking") : t("turnOn")}
          </button>
        </div>
      </form>
    </div>
  );
}

function ProofForm({ id, label, action, pending, error, children }: { id: string; label: string; action: (form: FormData) => void; pending: boolean; error?: string; children: React.ReactNode }) {
  const t = useTranslations("profile.twoFactor");
  return (
    <form action={action} className="space-y-2" noValidate>
      <label htmlFor={id} className="block text-sm font-medium text-stone-700">
        {label}
      </label>
      <input id={id} name="proof" type="password" autoComplete="off" className={input} aria-invalid={Boolean(error)} />
      <Alert text={error} />
      <div>{pending ? <span className="text-sm text-stone-600">{t("checking")}</span> : children}</div>
    </form>
  );
}

function Enabled({ enabledAt, recoveryCodesLeft, required, hasPassword }: { enabledAt: string | null; recoveryCodesLeft: number; required: boolean; hasPassword: boolean }) {
  const [codes, regenerate, regenerating] = useActionState(regenerateRecoveryCodesAction, null);
  const [off, disable, disabling] = useActionState(disableTwoFactorAction, null);
  const [panel, setPanel] = useState<"none" | "codes" | "off">("none");
  const t = useTranslations("profile.twoFactor");
  const proofLabel = hasPassword ? t("proofWithPassword") : t("proofCodeOnly");
  if (off?.ok)
    return (
      <p className="text-sm font-medium text-stone-800">
        {off.data.otherSessionsEnded ? t("turnedOffElsewhere", { count: off.data.otherSessionsEnded }) : t("turnedOff")}{" "}
        <a className="text-brand-700 underline" href="/profile/security">
          {t("setUpAgain")}
        </a>
      </p>
    );
  return (
    <div className="space-y-4">
      <p className="text-sm text-stone-700">
        <span className="mr-2 inline-flex items-center rounded-full bg-brand-100 px-2 py-0.5 text-xs font-medium text-brand-800">{t("on")}</span>
        {t("since", { date: enabledAt ?? "" })} {t(recoveryCodesLeft <= 3 ? "codesLeftLow" : "codesLeft", { left: recoveryCodesLeft })}
      </p>
      {codes?.ok ? <RecoveryCodes codes={codes.data.recoveryCodes} /> : null}
      <div className="flex flex-wrap gap-2">
        <button type="button" className={secondary} onClick={() => setPanel(panel === "codes" ? "none" : "codes")} aria-expanded={panel === "codes"}>
          {t("newCodes")}
        </button>
        {required ? null : (
          <button type="button" className={`${secondary} text-red-700`} onClick={() => setPanel(panel === "off" ? "none" : "off")} aria-expanded={panel === "off"}>
            {t("turnOff")}
          </button>
        )}
      </div>
      {required ? <p className="text-xs text-stone-500">{t("required")}</p> : null}
      {panel === "codes" && !codes?.ok ? (
        <ProofForm id="proof-codes" label={proofLabel} action={regenerate} pending={regenerating} error={codes && !codes.ok ? codes.error : undefined}>
          <button type="submit" className={primary}>
            {t("makeCodes")}
          </button>
        </ProofForm>
      ) : null}
      {panel === "off" ? (
        <ProofForm id="proof-off" label={proofLabel} action={disable} pending={disabling} error={off && !off.ok ? off.error : undefined}>
          <button type="submit" className="inline-flex min-h-10 items-center rounded-md bg-red-700 px-4 font-medium text-white hover:bg-red-800">
            {t("confirmOff")}
          </button>
        </ProofForm>
      ) : null}
    </div>
  );
}

export function TwoFactorPanel(props: { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; required: boolean; hasPassword: boolean }) {
  return props.enabled ? <Enabled {...props} /> : <Enrol hasPassword={props.hasPassword} />;
}
