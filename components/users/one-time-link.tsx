"use client";

import { useState } from "react";

/**
 * A link shown once (invitation, password reset): we keep only its hash, so after this the admin
 * can only make a new one. It was mailed as well; copying is for when the mail does not arrive.
 */
export function OneTimeLink({ title, link, email, expiresAt, testId }: { title: string; link: string; email: string; expiresAt: string; testId: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () =>
    navigator.clipboard
      ?.writeText(link)
      .then(() => setCopied("yes"))
      .catch(() => setCopied("failed")) ?? setCopied("failed");
  return (
    <div className="rounded-md border border-green-300 bg-green-50 p-3 text-sm" role="status">
      <p className="font-medium text-green-900">{title}</p>
      <p className="mt-1 text-green-900">
        It was also mailed to <strong>{email}</strong>. Copy the link now if you want to pass it on yourself — it is shown only this once and works until{" "}
        <time dateTime={expiresAt}>{new Date(expiresAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</time>.
      </p>
      <input readOnly value={link} aria-label="One-time link" data-testid={testId} onFocus={(event) => event.currentTarget.select()} className="mt-2 block w-full rounded border border-green-200 bg-white px-2 py-1 font-mono text-xs" />
      <button type="button" onClick={copy} className="mt-2 rounded-md border border-stone-300 bg-white px-3 py-1 text-xs font-medium hover:bg-stone-50">
        {copied === "yes" ? "Copied" : "Copy link"}
      </button>
      {copied === "failed" ? <span className="ml-2 text-xs text-amber-800">The browser did not allow copying: select the link and copy it by hand.</span> : null}
    </div>
  );
}
