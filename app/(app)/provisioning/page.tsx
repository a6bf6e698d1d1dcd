import type { Metadata } from "next";
import { ProvisioningWizard } from "@/components/provisioning/provisioning-wizard";
import { PageHeader } from "@/components/ui/page-header";
import { farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Provision device" };

/** M92 task 3.1: the provisioning wizard, for a technician with a phone in the barn. */
export default async function ProvisioningPage() {
  const actor = await requirePageActor("devices.provision");
  const [farms, selected] = await Promise.all([visibleFarms(actor), selectedFarmId(actor)]);
  // A farm-bound technician provisions for their farm; others start from the farm they are looking at.
  const defaultFarmId = farmScope(actor) ?? selected ?? (farms.length === 1 ? farms[0]!.id : null);
  return (
    <>
      <PageHeader title="Provision a device" description="Scan the label, walk through four steps, and the device gets its own credentials." />
      <ProvisioningWizard farms={farms.map(({ id, name, code }) => ({ id, name, code }))} defaultFarmId={defaultFarmId} />
    </>
  );
}
