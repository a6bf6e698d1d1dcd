import type { Metadata } from "next";
import Link from "next/link";
import { AuthFrame } from "@/components/users/auth-frame";
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
  if (!view.ok) {
    return (
      <AuthFrame title="This link cannot be used">
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {view.message}
        </p>
        <p className="mt-4 text-sm">
          <Link href="/login" className="font-medium text-brand-700 underline">
            Go to sign-in
          </Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Set a new password">
      <p className="mb-4 text-sm text-stone-700">
        For <strong className="break-all">{view.email}</strong> ({view.name}). Setting it signs you out on every other device.
      </p>
      <SetPasswordForm token={token} email={view.email} action={resetPasswordAction} submitLabel="Set new password and sign in" minLength={PASSWORD_MIN_LENGTH} />
    </AuthFrame>
  );
}
