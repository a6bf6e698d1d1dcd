"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { SECOND_STEP_MESSAGE } from "@/lib/auth/sign-in-messages";

type SsoButton = { id: string; label: string };

/**
 * E-mail and password, then — for someone with two-factor on — a second step asking for the code.
 * The second step keeps what was typed in the first (the form sends all three again: the server
 * keeps nothing between the steps), and "Back" returns to it unchanged.
 */
export function LoginForm({ callbackUrl, initialError, sso = [] }: { callbackUrl: string; initialError?: string; sso?: SsoButton[] }) {
  const t = useTranslations("login");
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  const [step, setStep] = useState<"password" | "code">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const codeInput = useRef<HTMLInputElement>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    // The first step reads the form itself: what was typed before the page was interactive counts too.
    let typed = { email, password };
    if (step === "password") {
      const form = new FormData(event.currentTarget);
      typed = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
      setEmail(typed.email);
      setPassword(typed.password);
    }
    const result = await signIn("credentials", { ...typed, ...(step === "code" ? { code } : {}), redirect: false });
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    if (result?.error === SECOND_STEP_MESSAGE) {
      setStep("code");
      setCode("");
      setTimeout(() => codeInput.current?.focus(), 0);
      return;
    }
    if (step === "code") setCode("");
    setError(result?.error && result.error !== "CredentialsSignin" ? result.error : t("wrongCredentials"));
    // A wrong password while on the code step (it changed meanwhile) goes back to the first step.
    if (step === "code" && (!result?.error || result.error === "CredentialsSignin")) setStep("password");
  }

  const field = "w-full rounded-md border border-stone-300 px-3 py-2 text-base";
  return (
    <div className="space-y-4">
      {/* POST: were it submitted before the page is interactive, the password must not end up in a URL. */}
      <form onSubmit={onSubmit} method="post" className="space-y-4" noValidate>
        {step === "password" ? (
          <>
            <div>
              <label htmlFor="email" className="mb-1 block text-sm font-medium text-stone-700">
                {t("email")}
              </label>
              <input id="email" name="email" type="email" autoComplete="username" required defaultValue={email} className={field} />
            </div>
            <div>
              <label htmlFor="password" className="mb-1 block text-sm font-medium text-stone-700">
                {t("password")}
              </label>
              <input id="password" name="password" type="password" autoComplete="current-password" required defaultValue={password} className={field} />
            </div>
          </>
        ) : (
          <div>
            <p className="mb-3 text-sm text-stone-700">
              Signing in as <span className="font-medium">{email}</span>. {SECOND_STEP_MESSAGE}
            </p>
            <label htmlFor="code" className="mb-1 block text-sm font-medium text-stone-700">
              Two-factor code
            </label>
            <input
              ref={codeInput}
              id="code"
              name="code"
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              required
              maxLength={20}
              value={code}
              onChange={(event) => setCode(event.target.value)}
              aria-describedby="code-hint"
              className={`${field} font-mono tracking-widest`}
            />
            <p id="code-hint" className="mt-1 text-xs text-stone-500">
              No phone at hand? Enter one of your recovery codes (like abcde-fghjk) instead.
            </p>
          </div>
        )}
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-700 px-4 py-2.5 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? t("submitting") : step === "code" ? "Verify and sign in" : t("submit")}
        </button>
        {step === "code" ? (
          <button
            type="button"
            onClick={() => {
              setStep("password");
              setError(undefined);
            }}
            className="w-full rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50"
          >
            Back
          </button>
        ) : null}
      </form>
      {sso.length && step === "password" ? (
        <div className="space-y-2">
          <div className="flex items-center gap-3 text-xs text-stone-500" aria-hidden>
            <span className="h-px flex-1 bg-stone-200" />
            or
            <span className="h-px flex-1 bg-stone-200" />
          </div>
          {sso.map((button) => (
            <button
              key={button.id}
              type="button"
              disabled={pending}
              onClick={() => {
                setPending(true);
                void signIn(button.id, { callbackUrl });
              }}
              className="w-full rounded-md border border-stone-300 bg-white px-4 py-2.5 font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-60"
            >
              Sign in with {button.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
