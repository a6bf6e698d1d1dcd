import type { Metadata } from "next";
import { AuthFrame, UnusableLink } from "@/components/users/auth-frame";
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
  if (!view.ok) return <UnusableLink title="This invitation cannot be used" message={view.message} />;
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
