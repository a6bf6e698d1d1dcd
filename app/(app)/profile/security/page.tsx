import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { TwoFactorPanel } from "@/components/profile/two-factor-panel";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor, twoFactorGate } from "@/lib/auth/session";
import { ssoButtons } from "@/lib/auth/oidc";
import { twoFactorStatus } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/db";
import { clockFor, formatDateTime } from "@/lib/i18n/format";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("profile.security"))("title") };
}
export const dynamic = "force-dynamic";

/**
 * The person's own sign-in security: two-factor with an authenticator app (set up, recovery codes,
 * turn off) and whether single sign-on is linked. Reachable while REQUIRE_ADMIN_TOTP holds an
 * admin here, with the reason on top.
 */
export default async function SecurityPage() {
  const actor = await requirePageActor(undefined, { twoFactorSetup: true });
  const db = getDb();
  const [status, gate, user, t] = await Promise.all([
    twoFactorStatus(db, actor),
    twoFactorGate(actor),
    db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { oidcSubject: true, locale: true, timezone: true, passwordHash: true } }),
    getTranslations("profile.security"),
  ]);
  const clock = clockFor(user);
  const sso = ssoButtons();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Link href="/profile" className="inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-3 text-sm font-medium text-stone-800 hover:bg-stone-50">
            {t("back")}
          </Link>
        }
      />
      {gate ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">{t("gateTitle")}</p>
          <p className="mt-1">{t("gateText")}</p>
        </div>
      ) : null}
      <div className="space-y-4">
        <Card title={t("cardTwoFactor")}>
          <TwoFactorPanel
            enabled={status.enabled}
            enabledAt={status.enabledAt ? formatDateTime(status.enabledAt, clock) : null}
            recoveryCodesLeft={status.recoveryCodesLeft}
            required={status.required}
            hasPassword={Boolean(user.passwordHash)}
          />
        </Card>
        <Card title={t("cardSso")}>
          {user.oidcSubject ? (
            <p className="text-sm text-stone-700">{t("ssoLinked", { host: new URL(user.oidcSubject.split("#")[0]!, "https://unknown").host })}</p>
          ) : sso.length ? (
            <p className="text-sm text-stone-700">{t("ssoAvailable", { providers: sso.map((button) => button.label).join(t("ssoOr")), email: actor.label })}</p>
          ) : (
            <p className="text-sm text-stone-600">{t("ssoNone")}</p>
          )}
        </Card>
      </div>
    </div>
  );
}
