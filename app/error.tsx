"use client";

import { useTranslations } from "next-intl";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors");
  const forbidden = error.message.includes("does not allow") || error.name === "ForbiddenError";
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">{forbidden ? t("notAllowed") : t("somethingWrong")}</h1>
      <p className="max-w-md text-stone-600">
        {forbidden ? t("notAllowedPage") : t("somethingWrongText")}
        {error.digest ? <span className="mt-1 block text-xs text-stone-500">{t("reference", { digest: error.digest })}</span> : null}
      </p>
      <button type="button" onClick={reset} className="rounded-md bg-brand-700 px-4 py-2 text-white">{t("tryAgain")}</button>
    </main>
  );
}
