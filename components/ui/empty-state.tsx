import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

/** Said plainly when there is nothing to show — or when a part of the product is not built yet. */
export function EmptyState({ title, children, notBuilt }: { title: string; children?: ReactNode; notBuilt?: boolean }) {
  const t = useTranslations("common");
  return (
    <div className="rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center">
      {notBuilt ? <p className="mb-2 inline-block rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900">{t("notBuilt")}</p> : null}
      <h2 className="text-base font-medium text-stone-900">{title}</h2>
      {children ? <div className="mx-auto mt-2 max-w-xl text-sm text-stone-600">{children}</div> : null}
    </div>
  );
}
