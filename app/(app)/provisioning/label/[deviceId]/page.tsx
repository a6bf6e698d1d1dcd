import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeviceLabel } from "@/components/provisioning/device-label";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getDeviceDetail } from "@/lib/devices/device-detail";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ deviceId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Label ${decodeURIComponent((await params).deviceId)}` };
}

/**
 * On paper only the label: the app's shell, buttons and notes are hidden (visibility, so the
 * shared layout needs no print rules of its own) and the label sits at the top-left of the page.
 */
const PRINT_CSS = `
@media print {
  @page { margin: 8mm; }
  body * { visibility: hidden !important; }
  #device-label, #device-label * { visibility: visible !important; }
  #device-label { position: absolute; left: 0; top: 0; width: 90mm; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

/** The printable label of one device (print QR label, SCREENS.md). */
export default async function DeviceLabelPage({ params }: Props) {
  const actor = await requirePageActor("devices.provision");
  const deviceId = decodeURIComponent((await params).deviceId);
  let device;
  try {
    device = await getDeviceDetail(getDb(), actor, deviceId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const retired = device.state === "decommissioned";
  return (
    <div className="space-y-4">
      <style>{PRINT_CSS}</style>
      <div className="print:hidden">
        <Link href={`/devices/${device.deviceId}`} className="text-sm text-brand-700 hover:underline">
          ← {device.name}
        </Link>
        <div className="mt-2">
          <PageHeader title={`Label for ${device.deviceId}`} description="Stick it on the device: a phone scanning it opens the wizard with the id, type and serial filled in." />
        </div>
      </div>
      <DeviceLabel
        device={{
          deviceId: device.deviceId,
          name: device.name,
          deviceType: device.deviceType,
          serialNumber: device.serialNumber,
          farmName: device.farm.name,
          farmCode: device.farm.code,
          timeZone: device.farm.timezone,
        }}
        canClaim={!retired}
      />
    </div>
  );
}
