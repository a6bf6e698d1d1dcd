import Link from "next/link";
import { ROLE_LABEL } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";

export default async function ForbiddenPage() {
  const actor = await requirePageActor();
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-stone-600">Your role ({ROLE_LABEL[actor.role]}) does not give access to that page. Ask an admin if you need it.</p>
      <Link href="/" className="mt-4 inline-block rounded-md bg-brand-700 px-4 py-2 text-white">Back to the dashboard</Link>
    </div>
  );
}
