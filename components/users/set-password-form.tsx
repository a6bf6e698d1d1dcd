"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import type { ActionResult } from "@/lib/actions/define-action";

type SetPasswordAction = (previous: ActionResult<{ email: string }> | null, input: FormData) => Promise<ActionResult<{ email: string }>>;

/**
 * Password + confirmation for an invitation or reset link; on success the person is signed in with
 * the password they just chose (next-auth's credentials sign-in) and lands on the dashboard.
 */
export function SetPasswordForm({ token, email, action, submitLabel, minLength }: { token: string; email: string; action: SetPasswordAction; submitLabel: string; minLength: number }) {
  const router = useRouter();
  const [state, setState] = useState<ActionResult<{ email: string }> | null>(null);
  const [pending, startTransition] = useTransition();
  const [signing, setSigning] = useState<"no" | "busy" | "failed">("no");
  // Before hydration a click would submit natively: the button waits until the page is live.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    startTransition(async () => {
      const result = await action(null, data);
      setState(result);
      if (!result.ok) return;
      // Signed in with the password just chosen, as the sign-in form would.
      setSigning("busy");
      const signedIn = await signIn("credentials", { email: result.data.email, password, redirect: false });
      if (signedIn?.ok && !signedIn.error) {
        router.replace("/");
        router.refresh();
      } else setSigning("failed");
    });
  };

  if (state?.ok) {
    return (
      <div role="status" className="space-y-3 text-sm">
        <p className="rounded-md bg-green-50 px-3 py-2 text-green-900">Your password is set.</p>
        {signing === "failed" ? (
          <p>
            Signing you in did not work here. <a href="/login" className="font-medium text-brand-700 underline">Sign in</a> with {state.data.email} and your new password.
          </p>
        ) : (
          <p>Signing you in…</p>
        )}
      </div>
    );
  }

  const tokenError = fieldError("token");
  return (
    <form onSubmit={onSubmit} method="post" noValidate className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="text" autoComplete="username" value={email} readOnly hidden />
      <Field id="new-password" label="New password" error={fieldError("password")} hint={`At least ${minLength} characters. A few unrelated words are easy to remember and hard to guess; common passwords, your name or e-mail are refused.`}>
        <input
          type="password"
          name="password"
          autoComplete="new-password"
          className={inputClass}
          {...fieldProps("new-password", fieldError("password"), true)}
        />
      </Field>
      <Field id="confirm-password" label="Confirm password" error={fieldError("confirmPassword")}>
        <input type="password" name="confirmPassword" autoComplete="new-password" className={inputClass} {...fieldProps("confirm-password", fieldError("confirmPassword"))} />
      </Field>
      {state && !state.ok && (tokenError || !state.fieldErrors || Object.keys(state.fieldErrors).length === 0) ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {tokenError ?? state.error}
        </p>
      ) : null}
      <button type="submit" disabled={!ready || pending || signing === "busy"} className="w-full rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}

const noSubscription = () => () => {};
