import type { Metadata } from "next";
import { BatchList } from "@/components/import/batch-list";
import { ImportWizard } from "@/components/import/import-wizard";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { visibleFarms } from "@/lib/farms/farm-scope";
import { listImportBatches } from "@/lib/import/device-import";

export const metadata: Metadata = { title: "Bulk import" };
export const dynamic = "force-dynamic";

export default async function ImportPage() {
  const actor = await requirePageActor("devices.import");
  const [farms, batches] = await Promise.all([visibleFarms(actor), listImportBatches(getDb(), actor, { take: 50 })]);
  return (
    <>
      <PageHeader
        title="Bulk import"
        description="Upload a CSV of devices, see every error before anything is written, then import."
        actions={
          <a href="/api/v1/iot/devices/import/template" download className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Download template
          </a>
        }
      />
      <ImportWizard farms={farms.map(({ id, code, name }) => ({ id, code, name }))} />
      <section aria-labelledby="batches-heading" className="mt-8">
        <h2 id="batches-heading" className="mb-3 text-lg font-semibold text-stone-900">
          Import batches
        </h2>
        <BatchList batches={batches} />
      </section>
    </>
  );
}
