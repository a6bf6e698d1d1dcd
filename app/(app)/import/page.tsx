import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Bulk import" };
export const dynamic = "force-dynamic";

export default async function ImportPage() {
  await requirePageActor("devices.import");
  const batches = await getDb().importBatch.count();
  return (
    <>
      <PageHeader title="Bulk import" description="Upload a CSV of devices, see every error before anything is written, then import." />
      <EmptyState title="CSV upload, validation preview and import" notBuilt>
        The import wizard arrives with the bulk import work. Import batches recorded so far: {batches}.
      </EmptyState>
    </>
  );
}
