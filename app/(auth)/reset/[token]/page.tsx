import type { Metadata } from "next";
import { AuthFrame, UnusableLink } from "@/components/users/auth-frame";
import { SetPasswordForm } from "@/components/users/set-password-form";
import { getDb } from "@/lib/db";
import { PASSWORD_MIN_LENGTH } from "@/lib/users/password-policy";
import { describeLink } from "@/lib/users/set-password";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Set a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function PasswordResetPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await describeLink(getDb(), token, "password_reset");
  if (!view.ok) return <UnusableLink title="This link cannot be used" message={view.message} />;
  return (
    <AuthFrame title="Set a new password">
      <p className="mb-4 text-sm text-stone-700">
        For <strong className="break-all">{view.email}</strong> ({view.name}). Setting it signs you out on every other device.
      </p>
      <SetPasswordForm token={token} email={view.email} action={resetPasswordAction} submitLabel="Set new password and sign in" minLength={PASSWORD_MIN_LENGTH} />
    </AuthFrame>
  );
}
