import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Firmware updates" };
export const dynamic = "force-dynamic";

export default async function UpdatesPage() {
  await requirePageActor("ota.read");
  const jobs = await getDb().updateJob.count();
  return (
    <>
      <PageHeader title="Firmware updates" description="Update jobs with staged rollouts and automatic rollback." />
      <EmptyState title={jobs === 0 ? "No update jobs yet" : `${jobs} update jobs`} notBuilt>
        Scheduling updates (all at once, canary, phased, emergency), live progress and rollback arrive with the firmware and OTA work.
      </EmptyState>
    </>
  );
}
