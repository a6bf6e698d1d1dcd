import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { ClockForm, NameForm, NotificationForm, PasswordForm } from "@/components/users/profile-forms";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { LOCALE_LABEL, LOCALES } from "@/lib/i18n/format";
import { getProfile } from "@/lib/users/profile";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("profile"))("title") };
}
export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const actor = await requirePageActor();
  const [profile, t, tRole] = await Promise.all([getProfile(getDb(), actor), getTranslations("profile"), getTranslations("enums.role")]);
  const zones = Intl.supportedValuesOf("timeZone");
  const editable = {
    name: profile.name,
    timezone: profile.timezone,
    locale: profile.locale,
    notifyByEmail: profile.notifyByEmail,
    notifyInApp: profile.notifyInApp,
    notifyMinSeverity: profile.notifyMinSeverity,
    notifyDigest: profile.notifyDigest,
  };
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description", { email: profile.email, role: tRole.has(profile.role) ? tRole(profile.role) : profile.role, farm: profile.farmName ?? t("everyFarm") })}
        actions={
          <Link href="/profile/security" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium hover:bg-stone-50">
            {t("securityLink")}
          </Link>
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t("cardName")}>
          <NameForm profile={editable} />
        </Card>
        <Card title={t("cardPassword")}>
          <PasswordForm />
        </Card>
        <Card title={t("cardClock")}>
          <ClockForm profile={editable} zones={zones} locales={LOCALES.map((value) => ({ value, label: LOCALE_LABEL[value] }))} farmZone={profile.farmTimezone} />
        </Card>
        <Card title={t("cardNotifications")}>
          <NotificationForm profile={editable} />
        </Card>
      </div>
    </>
  );
}
