import Link from "next/link";
import type { ReactNode } from "react";

/** The frame of the pages people see without a session (as the sign-in page). */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-stone-100 px-4 py-10">
      <div className="w-full max-w-md">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" width={40} height={40} />
          <div>
            <p className="text-xl font-semibold text-stone-900">Smart Dairy</p>
            <p className="text-sm text-stone-600">Device Manager</p>
          </div>
        </div>
        <div className="rounded-xl border border-stone-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-medium">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}

/** An invitation or reset link that is expired, used or unknown: why, and the way back to sign-in. */
export function UnusableLink({ title, message }: { title: string; message: string }) {
  return (
    <AuthFrame title={title}>
      <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        {message}
      </p>
      <p className="mt-4 text-sm">
        <Link href="/login" className="font-medium text-brand-700 underline">
          Go to sign-in
        </Link>
      </p>
    </AuthFrame>
  );
}
