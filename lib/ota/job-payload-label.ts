/**
 * What a job sends, in a word for its list row and page header: the firmware version, or
 * "Configuration" and the change for a configuration campaign — and the device type it is for.
 * Pure (client components read it).
 */
export type JobPayloadFacts = {
  kind: "firmware" | "configuration";
  firmware: { version: string; deviceType: string; name: string } | null;
  configChange: { deviceType: string; summary: string } | null;
};

export type JobPayloadLabel = { title: string; /** A version is shown in monospace. */ mono: boolean; detail: string; deviceType: string };

export function jobPayloadLabel(job: JobPayloadFacts): JobPayloadLabel {
  if (job.firmware) return { title: job.firmware.version, mono: true, detail: job.firmware.name, deviceType: job.firmware.deviceType };
  return { title: "Configuration", mono: false, detail: job.configChange?.summary ?? "", deviceType: job.configChange?.deviceType ?? "" };
}
