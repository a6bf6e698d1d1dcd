import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { LanguagePicker } from "@/components/i18n/language-picker";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { ssoButtons } from "@/lib/auth/oidc";
import { currentActor } from "@/lib/auth/session";
import { loginErrorMessage } from "@/lib/auth/sign-in-messages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("title") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string; email?: string }> }) {
  const { callbackUrl, error, email } = await searchParams;
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "localhost";
  const protocol = requestHeaders.get("x-forwarded-proto") ?? "http";
  const safeCallback = safeCallbackPath(callbackUrl, `${protocol.split(",")[0]}://${host.split(",")[0]}`);
  if (await currentActor()) redirect(safeCallback);
  const t = await getTranslations("login");
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-stone-100 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" width={40} height={40} />
          <div>
            <h1 className="text-xl font-semibold text-stone-900">Smart Dairy</h1>
            <p className="text-sm text-stone-600">{t("product")}</p>
          </div>
        </div>
        <div className="rounded-xl border border-stone-200 bg-white p-6 shadow-sm">
          <h2 className="mb-4 text-lg font-medium">{t("title")}</h2>
          <LoginForm callbackUrl={safeCallback} initialError={loginErrorMessage(error, email)} sso={ssoButtons()} />
        </div>
        <p className="mt-4 text-center text-xs text-stone-500">{t("tagline")}</p>
        <div className="mt-4 flex justify-center">
          <LanguagePicker />
        </div>
      </div>
    </main>
  );
}
