import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-stone-600">There is nothing at this address. It may have been retired or never existed.</p>
      <Link href="/" className="rounded-md bg-brand-700 px-4 py-2 text-white">Back to the dashboard</Link>
    </main>
  );
}
