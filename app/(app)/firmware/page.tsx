import type { Metadata } from "next";
import { FirmwareStateButtons } from "@/components/firmware/firmware-state-buttons";
import { FirmwareUploadForm } from "@/components/firmware/firmware-upload-form";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES } from "@/lib/devices/device-id";
import { listFirmwareVersions } from "@/lib/firmware/firmware-versions";
import { signingPublicKey } from "@/lib/firmware/signing-key";

export const metadata: Metadata = { title: "Firmware" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

const STATE_TONE: Record<string, string> = {
  draft: "bg-stone-100 text-stone-700",
  testing: "bg-amber-100 text-amber-900",
  stable: "bg-green-100 text-green-800",
  deprecated: "bg-red-50 text-red-800",
};

function formatSize(bytes: number) {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export default async function FirmwarePage() {
  const actor = await requirePageActor("firmware.read");
  const versions = await listFirmwareVersions(getDb(), actor);
  const mayUpload = allows(actor, "firmware.write");
  const key = signingPublicKey();
  return (
    <>
      <PageHeader title="Firmware versions" description="Binaries per device type, their signed manifests and release state, and how many devices run each." />
      {mayUpload ? (
        <details className="mb-4 rounded-lg border border-stone-200 bg-white p-4 shadow-sm" open={versions.length === 0}>
          <summary className="cursor-pointer text-sm font-semibold text-stone-900">Upload a firmware version</summary>
          <div className="mt-4">
            <FirmwareUploadForm deviceTypes={DEVICE_TYPES.map((type) => ({ value: type, label: DEVICE_TYPE_LABEL[type] }))} maxMb={loadConfig().FIRMWARE_MAX_MB} />
          </div>
        </details>
      ) : null}
      {versions.length === 0 ? (
        <EmptyState title="No firmware versions yet">{mayUpload ? "Upload a binary above; it starts as a draft." : "An admin uploads firmware binaries here."}</EmptyState>
      ) : (
        <>
        <ul className="space-y-3 md:hidden">
          {versions.map((version) => (
            <li key={version.id} className="rounded-lg border border-stone-200 bg-white p-3 shadow-sm">
              <div className="flex items-start justify-between gap-2">
                <div className="min-w-0">
                  <span className="font-mono font-medium">{version.version}</span> <span className="text-sm text-stone-600">{DEVICE_TYPE_LABEL[version.deviceType]}</span>
                  <div className="truncate text-xs text-stone-500">{version.name}</div>
                </div>
                <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium capitalize ${STATE_TONE[version.state]}`}>{version.state}</span>
              </div>
              <p className="mt-2 text-xs text-stone-600">
                {version.sizeBytes ? formatSize(version.sizeBytes) : "no binary"} · on {version.installedCount} devices · updates {version.successfulUpdates} ok / {version.failedUpdates} failed
              </p>
              {mayUpload ? (
                <div className="mt-2">
                  <FirmwareStateButtons id={version.id} version={version.version} allowed={version.allowedStates} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
        <DataTable
          className="hidden md:block"
          minWidth={900}
          columns={[
            { label: "Version" },
            { label: "Device type" },
            { label: "State" },
            { label: "Size" },
            { label: "SHA-256" },
            { label: "Installed on", align: "right" },
            { label: "Updates ok / failed", align: "right" },
            ...(mayUpload ? [{ label: "Release", align: "right" as const }] : []),
          ]}
        >
          {versions.map((version) => (
            <tr key={version.id}>
              <td className="px-3 py-2">
                <span className="font-mono">{version.version}</span> <span className="text-stone-500">{version.name}</span>
                {version.isMandatory ? <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-800">mandatory</span> : null}
                {version.minPreviousVersion ? <div className="text-xs text-stone-500">from {version.minPreviousVersion} up</div> : null}
              </td>
              <td className="px-3 py-2">
                {DEVICE_TYPE_LABEL[version.deviceType]}
                {version.compatibleModels.length ? <div className="text-xs text-stone-500">{version.compatibleModels.join(", ")}</div> : null}
              </td>
              <td className="px-3 py-2">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium capitalize ${STATE_TONE[version.state]}`}>{version.state}</span>
              </td>
              <td className="px-3 py-2 tabular-nums">{version.sizeBytes ? formatSize(version.sizeBytes) : "—"}</td>
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap" title={version.sha256 ?? undefined}>
                {version.sha256 ? `${version.sha256.slice(0, 12)}…` : <span className="font-sans text-stone-500">no binary</span>}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{version.installedCount}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {version.successfulUpdates} / {version.failedUpdates}
              </td>
              {mayUpload ? (
                <td className="px-3 py-2">
                  <FirmwareStateButtons id={version.id} version={version.version} allowed={version.allowedStates} />
                </td>
              ) : null}
            </tr>
          ))}
        </DataTable>
        </>
      )}
      <div className="mt-4">
        <Card title="Manifest signing key">
          <p className="text-sm text-stone-600">
            Every manifest is signed with this server&apos;s Ed25519 key (id <span className="font-mono">{key.keyId}</span>). Device makers build this public key into the bootloader; a device installs a binary only when the
            manifest&apos;s signature checks out and the binary matches its size and SHA-256.
          </p>
          <pre className="mt-3 overflow-x-auto rounded-md bg-stone-50 p-3 text-xs select-all" tabIndex={0} role="region" aria-label="Public key (PEM)">{key.pem}</pre>
        </Card>
      </div>
    </>
  );
}
