import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Provision device" };

export default async function ProvisioningPage() {
  await requirePageActor("devices.provision");
  return (
    <>
      <PageHeader title="Provision a device" description="Scan the label, walk through four steps, and the device gets its own credentials." />
      <EmptyState title="The provisioning wizard" notBuilt>
        Type → device information → hardware → review → credentials, QR label and camera scanning arrive with the provisioning work. Until then demo devices get their credentials when the product starts.
      </EmptyState>
    </>
  );
}
