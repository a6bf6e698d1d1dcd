"use client";

import { useState } from "react";
import type { DeviceConnectionDetails, DeviceTopics } from "@/lib/provisioning/connection-details";
import { SECONDARY_BUTTON } from "./wizard-field";

type Device = { deviceId: string; name: string; deviceType: string };

const TOPIC_LABEL: Record<keyof DeviceTopics, string> = {
  telemetry: "Telemetry (publish)",
  status: "Status (publish)",
  commandResponse: "Command answers (publish)",
  otaStatus: "Update status (publish)",
  commands: "Commands (subscribe)",
  config: "Configuration (subscribe)",
  otaUpdate: "Firmware updates (subscribe)",
};

/** Copies through the Clipboard API, or the old way where it is missing (plain http on a LAN address). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  return copied;
}

function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className="min-h-10 shrink-0 rounded-md border border-stone-300 bg-white px-3 text-sm font-medium text-stone-800 hover:bg-stone-50"
      aria-label={`Copy ${what}`}
      onClick={async () => {
        setState((await copyText(text)) ? "copied" : "failed");
        setTimeout(() => setState("idle"), 2_000);
      }}
    >
      {state === "copied" ? "Copied ✓" : state === "failed" ? "Select and copy" : "Copy"}
    </button>
  );
}

export function credentialsText(device: Device, credentials: DeviceConnectionDetails): string {
  const topics = Object.entries(credentials.topics)
    .map(([key, topic]) => `${TOPIC_LABEL[key as keyof DeviceTopics] ?? key}: ${topic}`)
    .join("\n");
  // M92 task 3.1 downloadCredentials, with the broker and every topic of the device.
  return `Smart Dairy IoT Device Credentials
==================================

Device ID: ${device.deviceId}
Device Name: ${device.name}
Device Type: ${device.deviceType}

MQTT Credentials:
-----------------
Broker URL: ${credentials.brokerUrl}
Username: ${credentials.username}
Password: ${credentials.password}
Client ID: ${credentials.clientId}

Topics:
-------
${topics}

IMPORTANT: Save these credentials securely.
The password will not be shown again.
`;
}

function download(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/**
 * What a device needs to connect, with the password shown this once. Held only in this page's
 * memory: leaving the page forgets it (regenerating on the device page is the way back).
 */
export function CredentialsPanel({ device, credentials, compact = false }: { device: Device; credentials: DeviceConnectionDetails; compact?: boolean }) {
  const [revealed, setRevealed] = useState(true);
  const rows: { label: string; value: string; secret?: boolean }[] = [
    { label: "MQTT username", value: credentials.username },
    { label: "Password", value: credentials.password, secret: true },
    { label: "Client ID", value: credentials.clientId },
    { label: "Broker URL", value: credentials.brokerUrl },
  ];
  const json = JSON.stringify({ deviceId: device.deviceId, name: device.name, deviceType: device.deviceType, mqtt: credentials }, null, 2);
  const simulate = `MQTT_URL=${credentials.brokerUrl} npm run simulate -- --device ${device.deviceId} --type ${device.deviceType} --username ${credentials.username} --password '${credentials.password}'`;

  return (
    <div className="space-y-4">
      <div role="note" className="flex gap-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2.5 text-sm text-amber-950">
        <span aria-hidden className="font-bold">!</span>
        <p>
          <strong>Save the password now.</strong> It is shown only this once and cannot be retrieved again. {compact ? "If it is lost, regenerate the credentials again." : "If it is lost, regenerate the credentials on the device page."}
        </p>
      </div>

      <dl className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white" aria-label="MQTT credentials">
        {rows.map((row) => (
          <div key={row.label} className="flex items-center gap-2 px-3 py-2.5">
            <div className="min-w-0 flex-1">
              <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">{row.label}</dt>
              <dd className="font-mono text-sm break-all text-stone-900" data-credential={row.label}>
                {row.secret && !revealed ? "•".repeat(16) : row.value}
              </dd>
            </div>
            {row.secret ? (
              <button type="button" className="min-h-10 shrink-0 rounded-md px-2 text-sm text-brand-700 hover:bg-brand-50" onClick={() => setRevealed((value) => !value)} aria-pressed={!revealed}>
                {revealed ? "Hide" : "Show"}
              </button>
            ) : null}
            <CopyButton text={row.value} what={row.label.toLowerCase()} />
          </div>
        ))}
      </dl>

      <details className="group rounded-xl border border-stone-200 bg-white" open={!compact}>
        <summary className="flex min-h-11 cursor-pointer items-center justify-between px-3 text-sm font-semibold text-stone-800">
          Topics of {device.deviceId}
          <span aria-hidden className="text-stone-500 group-open:rotate-180">▾</span>
        </summary>
        <ul className="divide-y divide-stone-100 border-t border-stone-100" aria-label="Topics">
          {(Object.entries(credentials.topics) as [keyof DeviceTopics, string][]).map(([key, topic]) => (
            <li key={key} className="flex items-center gap-2 px-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="text-xs text-stone-500">{TOPIC_LABEL[key] ?? key}</p>
                <p className="font-mono text-sm break-all text-stone-900">{topic}</p>
              </div>
              <CopyButton text={topic} what={`${key} topic`} />
            </li>
          ))}
        </ul>
      </details>

      <div role="group" aria-labelledby={`download-${device.deviceId}`} className="space-y-1.5">
        <p id={`download-${device.deviceId}`} className="text-sm font-medium text-stone-800">
          Download credentials
        </p>
        <div className="grid grid-cols-2 gap-2 sm:flex">
          <button type="button" className={SECONDARY_BUTTON} onClick={() => download(`device_${device.deviceId}_credentials.json`, "application/json", `${json}\n`)} aria-label="Download credentials as JSON">
            <DownloadIcon /> JSON file
          </button>
          <button type="button" className={SECONDARY_BUTTON} onClick={() => download(`device_${device.deviceId}_credentials.txt`, "text/plain", credentialsText(device, credentials))} aria-label="Download credentials as text">
            <DownloadIcon /> Text file
          </button>
        </div>
      </div>

      <details className="rounded-xl border border-stone-200 bg-white">
        <summary className="flex min-h-11 cursor-pointer items-center px-3 text-sm font-semibold text-stone-800">No device at hand? Try it with a simulated one</summary>
        <div className="space-y-2 border-t border-stone-100 p-3 text-sm text-stone-700">
          <p>Run this in the project folder; the device page shows the device online within seconds.</p>
          <pre className="overflow-x-auto rounded-md bg-stone-900 p-3 font-mono text-xs whitespace-pre-wrap text-stone-100 break-all">{simulate}</pre>
          <CopyButton text={simulate} what="simulator command" />
        </div>
      </details>
    </div>
  );
}

function DownloadIcon() {
  return (
    <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M12 4v11M8 11l4 4 4-4M5 20h14" />
    </svg>
  );
}
