"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const forbidden = error.message.includes("does not allow") || error.name === "ForbiddenError";
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">{forbidden ? "Not allowed" : "Something went wrong"}</h1>
      <p className="max-w-md text-stone-600">
        {forbidden ? "Your role does not give access to this page." : "The page could not be shown. Nothing was changed. Try again, and tell an admin if it keeps happening."}
        {error.digest ? <span className="mt-1 block text-xs text-stone-400">Reference {error.digest}</span> : null}
      </p>
      <button type="button" onClick={reset} className="rounded-md bg-brand-700 px-4 py-2 text-white">Try again</button>
    </main>
  );
}
