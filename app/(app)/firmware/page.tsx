import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";

export const metadata: Metadata = { title: "Firmware" };
export const dynamic = "force-dynamic";

export default async function FirmwarePage() {
  await requirePageActor("firmware.read");
  const versions = await getDb().firmwareVersion.findMany({
    orderBy: [{ deviceType: "asc" }, { releaseDate: "desc" }],
    select: { id: true, name: true, version: true, deviceType: true, state: true, isMandatory: true, releaseDate: true, _count: { select: { installedOn: true } } },
  });
  return (
    <>
      <PageHeader title="Firmware versions" description="Versions per device type and how many devices run each." />
      {versions.length === 0 ? (
        <EmptyState title="No firmware versions yet" />
      ) : (
        <DataTable minWidth={600} columns={[{ label: "Version" }, { label: "Device type" }, { label: "State" }, { label: "Released" }, { label: "Installed on", align: "right" }]}>
              {versions.map((version) => (
                <tr key={version.id}>
                  <td className="px-3 py-2">
                    <span className="font-mono">{version.version}</span> <span className="text-stone-500">{version.name}</span>
                    {version.isMandatory ? <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-800">mandatory</span> : null}
                  </td>
                  <td className="px-3 py-2">{DEVICE_TYPE_LABEL[version.deviceType]}</td>
                  <td className="px-3 py-2 capitalize">{version.state}</td>
                  <td className="px-3 py-2">{version.releaseDate.toISOString().slice(0, 10)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{version._count.installedOn}</td>
                </tr>
              ))}
        </DataTable>
      )}
      <div className="mt-4">
        <EmptyState title="Upload, signing and release states" notBuilt>
          Uploading binaries (size, SHA-256, Ed25519 signature) and moving versions draft → testing → stable → deprecated arrive with the firmware and OTA work.
        </EmptyState>
      </div>
    </>
  );
}
