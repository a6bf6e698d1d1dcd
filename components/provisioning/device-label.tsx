"use client";

import { useState } from "react";
import { claimTokenAction, type ClaimToken } from "@/app/(app)/devices/[deviceId]/actions";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { labelPayload } from "@/lib/provisioning/qr-payload";
import { DeviceTypeIcon } from "./device-type-icon";
import { QrCode } from "./qr-code";
import { PRIMARY_BUTTON, SECONDARY_BUTTON } from "./wizard-field";

type LabelDevice = { deviceId: string; name: string; deviceType: DeviceTypeName; serialNumber: string | null; farmName: string; farmCode: string; timeZone: string };

/**
 * The printable device label: the identity QR (`SMARTDAIRY:id:type:serial`, M92 task 3.2) with the
 * same text underneath for typing, and — only when a token was just generated — the claim QR of
 * I-013 §2.3.2. The token lives in this page's memory and on the paper, nowhere else.
 */
export function DeviceLabel({ device, canClaim }: { device: LabelDevice; canClaim: boolean }) {
  const [claim, setClaim] = useState<ClaimToken | null>(null);
  const [claimState, setClaimState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const payload = labelPayload(device);

  // A token is issued only by this explicit POST (a server action), never by opening the page: a
  // link that issued one would void the token already printed on the device for whoever sent it.
  const generate = async () => {
    const question = claim
      ? `Generate a new claim token for ${device.deviceId}? The one just generated stops working.`
      : `Generate a claim token for ${device.deviceId}? It is valid for 24 hours, and any earlier unused token of this device stops working.`;
    if (!window.confirm(question)) return;
    setClaimState({ busy: true, error: null });
    const answer = await claimTokenAction(device.deviceId, null, {}).catch(() => ({ ok: false as const, error: "The token could not be generated. Try again." }));
    if (answer.ok) {
      setClaim(answer.data);
      setClaimState({ busy: false, error: null });
    } else setClaimState({ busy: false, error: answer.error });
  };

  const expires = claim ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: device.timeZone }).format(new Date(claim.expiresAt)) : null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2 print:hidden">
        <button type="button" className={PRIMARY_BUTTON} onClick={() => window.print()}>
          <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
            <path d="M7 9V3h10v6M7 17H4v-7h16v7h-3M7 14h10v7H7z" />
          </svg>
          Print label
        </button>
        {canClaim ? (
          <button type="button" className={SECONDARY_BUTTON} onClick={() => void generate()} disabled={claimState.busy}>
            {claimState.busy ? "Generating…" : claim ? "New claim token" : "Add a claim QR (24 h token)"}
          </button>
        ) : null}
      </div>
      {claimState.error ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 print:hidden">
          {claimState.error}
        </p>
      ) : null}
      {claim ? (
        <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 print:hidden">
          A one-time claim token was generated (valid until {expires}). Print the label now: the token is not shown again, and generating another one cancels this one.
        </p>
      ) : null}

      <article id="device-label" aria-label={`Label for ${device.deviceId}`} className="w-full max-w-[26rem] rounded-xl border-2 border-stone-900 bg-white p-4 text-stone-900 print:max-w-none print:rounded-none">
        <div className="flex items-center justify-between border-b border-stone-300 pb-2">
          <span className="text-xs font-bold tracking-[0.2em] uppercase">Smart Dairy</span>
          <span className="text-xs text-stone-600">
            {device.farmName} ({device.farmCode})
          </span>
        </div>
        <div className="mt-3 flex gap-4">
          <QrCode value={payload} size="9.5rem" title={`Label QR code of ${device.deviceId}`} className="shrink-0" />
          <div className="min-w-0 space-y-1">
            <p className="font-mono text-2xl leading-none font-bold tracking-wide break-all">{device.deviceId}</p>
            <p className="flex items-center gap-1.5 text-sm font-medium">
              <DeviceTypeIcon type={device.deviceType} className="h-5 w-5" />
              {DEVICE_TYPE_LABEL[device.deviceType]}
            </p>
            <p className="text-sm break-words">{device.name}</p>
            {device.serialNumber ? (
              <p className="text-sm">
                S/N <span className="font-mono">{device.serialNumber}</span>
              </p>
            ) : null}
          </div>
        </div>
        <p className="mt-2 font-mono text-[11px] break-all text-stone-700">{payload}</p>
        {claim ? (
          <div className="mt-3 flex gap-4 border-t border-dashed border-stone-400 pt-3">
            <QrCode value={claim.claimUrl} size="7rem" title={`Claim QR code of ${device.deviceId}`} className="shrink-0" />
            <div className="space-y-1 text-sm">
              <p className="font-semibold">Claim code</p>
              <p>Scan once to fetch this device&apos;s credentials.</p>
              <p className="text-xs text-stone-600">Valid until {expires}</p>
            </div>
          </div>
        ) : null}
      </article>
    </div>
  );
}
