import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const [t, tCommon] = await Promise.all([getTranslations("errors"), getTranslations("common")]);
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">{t("notFound")}</h1>
      <p className="text-stone-600">{t("notFoundText")}</p>
      <Link href="/" className="rounded-md bg-brand-700 px-4 py-2 text-white">{tCommon("backToDashboard")}</Link>
    </main>
  );
}
