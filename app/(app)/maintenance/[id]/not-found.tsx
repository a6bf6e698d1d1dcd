import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

/** Also shown for another farm's work: its existence is not the person's to know. */
export default function MaintenanceNotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Maintenance not found</h1>
      <EmptyState title="There is no maintenance work with this number on your farms">
        <p className="mt-3">
          <Link href="/maintenance" className="inline-block rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800">
            Back to maintenance
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
