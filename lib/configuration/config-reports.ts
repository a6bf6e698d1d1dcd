/**
 * A device's report about its configuration (`devices/{id}/config/status`), as the worker hands it
 * to the domain once decoded: the shadow update (config-report-apply.ts) and the campaign engine
 * (campaign-reports.ts) both take this shape.
 */
export type ConfigReport = {
  /** The reporting device's id as in its topic (EV001), never taken from the payload. */
  deviceId: string;
  version: number;
  status: "applied" | "rejected" | "failed";
  hash: string | null;
  reason: string | null;
  receivedAt: Date;
};
