"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useState, useSyncExternalStore, type FormEvent } from "react";
import { changePasswordAction, updateProfileAction } from "@/app/(app)/profile/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import type { ActionResult } from "@/lib/actions/define-action";

type Profile = {
  name: string;
  timezone: string | null;
  locale: string;
  notifyByEmail: boolean;
  notifyInApp: boolean;
  notifyMinSeverity: "low" | "warning" | "critical";
  notifyDigest: boolean;
};

const saveButton = "rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60";

function Outcome({ state, saved }: { state: ActionResult<unknown> | null; saved: string }) {
  if (!state) return null;
  if (state.ok) return <p role="status" className="text-sm text-green-800">{saved}</p>;
  return Object.keys(state.fieldErrors ?? {}).length ? null : (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {state.error}
    </p>
  );
}

function useProfileSave() {
  const [state, dispatch, pending] = useActionState(updateProfileAction, null);
  // The server parses it (a language it does not know is a field error there).
  const save = (input: Partial<Profile>) => startTransition(() => dispatch(input as Parameters<typeof updateProfileAction>[1]));
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  return { state, save, pending, fieldError };
}

export function NameForm({ profile }: { profile: Profile }) {
  const { state, save, pending, fieldError } = useProfileSave();
  const t = useTranslations("profile");
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save({ name: String(new FormData(event.currentTarget).get("name") ?? "") });
  };
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <Field id="profile-name" label={t("name.label")} error={fieldError("name")} hint={t("name.hint")}>
        <input name="name" defaultValue={profile.name} autoComplete="name" className={inputClass} {...fieldProps("profile-name", fieldError("name"), true)} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={saveButton}>
          {pending ? t("saving") : t("name.save")}
        </button>
        <Outcome state={state} saved={t("name.saved")} />
      </div>
    </form>
  );
}

export function ClockForm({ profile, zones, locales, farmZone }: { profile: Profile; zones: string[]; locales: { value: string; label: string }[]; farmZone: string | null }) {
  const { state, save, pending, fieldError } = useProfileSave();
  const t = useTranslations("profile");
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    save({ timezone: String(data.get("timezone") ?? ""), locale: String(data.get("locale") ?? "") } as Partial<Profile>);
  };
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <Field
        id="profile-timezone"
        label={t("clock.timezone")}
        error={fieldError("timezone")}
        hint={farmZone ? t("clock.hintFarm", { zone: farmZone }) : t("clock.hintNoFarm")}
      >
        <input name="timezone" list="time-zones" defaultValue={profile.timezone ?? ""} placeholder={t("clock.placeholder")} autoComplete="off" className={inputClass} {...fieldProps("profile-timezone", fieldError("timezone"), true)} />
      </Field>
      <datalist id="time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <Field id="profile-locale" label={t("clock.locale")} error={fieldError("locale")}>
        <select name="locale" defaultValue={profile.locale} className={inputClass} {...fieldProps("profile-locale", fieldError("locale"))}>
          {locales.map((locale) => (
            <option key={locale.value} value={locale.value}>
              {locale.label}
            </option>
          ))}
        </select>
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={saveButton}>
          {pending ? t("saving") : t("clock.save")}
        </button>
        <Outcome state={state} saved={t("clock.saved")} />
      </div>
    </form>
  );
}

export function NotificationForm({ profile }: { profile: Profile }) {
  const { state, save, pending, fieldError } = useProfileSave();
  const [values, setValues] = useState(profile);
  const t = useTranslations("profile.notify");
  const tProfile = useTranslations("profile");
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save({ notifyByEmail: values.notifyByEmail, notifyInApp: values.notifyInApp, notifyMinSeverity: values.notifyMinSeverity, notifyDigest: values.notifyDigest });
  };
  const box = (key: "notifyByEmail" | "notifyInApp" | "notifyDigest", label: string, hint: string) => (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" name={key} checked={values[key]} onChange={(event) => setValues({ ...values, [key]: event.target.checked })} className="mt-1" />
      <span>
        <span className="block font-medium text-stone-800">{label}</span>
        <span className="block text-xs text-stone-500">{hint}</span>
      </span>
    </label>
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {box("notifyByEmail", t("byEmail"), t("byEmailHint"))}
      {box("notifyInApp", t("inApp"), t("inAppHint"))}
      <Field id="profile-severity" label={t("severity")} error={fieldError("notifyMinSeverity")}>
        <select
          name="notifyMinSeverity"
          value={values.notifyMinSeverity}
          onChange={(event) => setValues({ ...values, notifyMinSeverity: event.target.value as Profile["notifyMinSeverity"] })}
          className={inputClass}
          {...fieldProps("profile-severity", fieldError("notifyMinSeverity"))}
        >
          <option value="low">{t("low")}</option>
          <option value="warning">{t("warning")}</option>
          <option value="critical">{t("critical")}</option>
        </select>
      </Field>
      {box("notifyDigest", t("digest"), t("digestHint"))}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={saveButton}>
          {pending ? tProfile("saving") : t("save")}
        </button>
        <Outcome state={state} saved={t("saved")} />
      </div>
    </form>
  );
}

export function PasswordForm() {
  const [state, dispatch, pending] = useActionState(changePasswordAction, null);
  const [round, setRound] = useState(0);
  const t = useTranslations("profile.password");
  // Before hydration a click would submit natively: the button waits until the page is live.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  if (state?.ok && round === 0) {
    return (
      <div role="status" className="space-y-3 text-sm">
        <p className="rounded-md bg-green-50 px-3 py-2 text-green-900">
          {t("changed")} {state.data.otherSessionsEnded ? t("signedOutElsewhere", { count: state.data.otherSessionsEnded }) : t("notElsewhere")}
        </p>
        <button type="button" onClick={() => setRound(1)} className="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-50">
          {t("again")}
        </button>
      </div>
    );
  }
  return (
    <form key={round} onSubmit={onSubmit} method="post" noValidate className="space-y-3">
      <Field id="current-password" label={t("current")} error={fieldError("currentPassword")}>
        <input type="password" name="currentPassword" autoComplete="current-password" className={inputClass} {...fieldProps("current-password", fieldError("currentPassword"))} />
      </Field>
      <Field id="profile-new-password" label={t("new")} error={fieldError("newPassword")} hint={t("newHint")}>
        <input type="password" name="newPassword" autoComplete="new-password" className={inputClass} {...fieldProps("profile-new-password", fieldError("newPassword"), true)} />
      </Field>
      <Field id="profile-confirm-password" label={t("confirm")} error={fieldError("confirmPassword")}>
        <input type="password" name="confirmPassword" autoComplete="new-password" className={inputClass} {...fieldProps("profile-confirm-password", fieldError("confirmPassword"))} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={!ready || pending} className={saveButton}>
          {pending ? t("changing") : t("change")}
        </button>
        <Outcome state={state && !state.ok ? state : null} saved="" />
      </div>
      <p className="text-xs text-stone-500">{t("note")}</p>
    </form>
  );
}

const noSubscription = () => () => {};
