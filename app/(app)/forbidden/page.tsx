import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requirePageActor } from "@/lib/auth/session";

export default async function ForbiddenPage() {
  const actor = await requirePageActor();
  const [t, tCommon, tRole] = await Promise.all([getTranslations("errors"), getTranslations("common"), getTranslations("enums.role")]);
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">{t("notAllowed")}</h1>
      <p className="mt-2 text-stone-600">{t("notAllowedRole", { role: tRole(actor.role) })}</p>
      <Link href="/" className="mt-4 inline-block rounded-md bg-brand-700 px-4 py-2 text-white">{tCommon("backToDashboard")}</Link>
    </div>
  );
}
