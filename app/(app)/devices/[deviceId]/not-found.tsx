import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

/** Also shown for another farm's device: its existence is not the person's to know. */
export default function DeviceNotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Device not found</h1>
      <EmptyState title="There is no device with this id on your farms">
        <p>Check the id (two capital letters and 3–6 digits, e.g. MM001), or find the device in the list.</p>
        <p className="mt-3">
          <Link href="/devices" className="inline-block rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800">
            Back to devices
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
