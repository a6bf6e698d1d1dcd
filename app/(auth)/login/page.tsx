import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "localhost";
  const protocol = requestHeaders.get("x-forwarded-proto") ?? "http";
  const safeCallback = safeCallbackPath(callbackUrl, `${protocol.split(",")[0]}://${host.split(",")[0]}`);
  if (await currentActor()) redirect(safeCallback);
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-stone-100 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" width={40} height={40} />
          <div>
            <h1 className="text-xl font-semibold text-stone-900">Smart Dairy</h1>
            <p className="text-sm text-stone-600">Device Manager</p>
          </div>
        </div>
        <div className="rounded-xl border border-stone-200 bg-white p-6 shadow-sm">
          <h2 className="mb-4 text-lg font-medium">Sign in</h2>
          <LoginForm callbackUrl={safeCallback} initialError={error ? "Sign-in failed. Check your e-mail and password." : undefined} />
        </div>
        <p className="mt-4 text-center text-xs text-stone-500">Milk meters, sensors, collars and gateways — from the factory to retirement.</p>
      </div>
    </main>
  );
}
