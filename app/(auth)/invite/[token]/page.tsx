import type { Metadata } from "next";
import Link from "next/link";
import { AuthFrame } from "@/components/users/auth-frame";
import { SetPasswordForm } from "@/components/users/set-password-form";
import { ROLE_LABEL, type RoleName } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { PASSWORD_MIN_LENGTH } from "@/lib/users/password-policy";
import { describeLink } from "@/lib/users/set-password";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Your invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await describeLink(getDb(), token, "invitation");
  if (!view.ok) {
    return (
      <AuthFrame title="This invitation cannot be used">
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
    <AuthFrame title={`Welcome, ${view.name}`}>
      <p className="mb-4 text-sm text-stone-700">
        You are invited as <strong>{ROLE_LABEL[view.role as RoleName].toLowerCase()}</strong> {view.farmName ? <>of <strong>{view.farmName}</strong></> : "of every farm"}. Choose a password for{" "}
        <strong className="break-all">{view.email}</strong>; you sign in with it from now on.
      </p>
      <SetPasswordForm token={token} email={view.email} action={acceptInvitationAction} submitLabel="Set password and sign in" minLength={PASSWORD_MIN_LENGTH} />
    </AuthFrame>
  );
}
