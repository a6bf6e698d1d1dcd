/**
 * What a technician should try next (I-013 `TroubleshootingConsole._generate_recommendations`,
 * completed with appendix E.1's troubleshooting table and the device's health): pure, so the
 * rules read in one place and are tested without a broker.
 */
export type DiagnosisFacts = {
  /** waiting: the answers are not in yet; offline: nothing was sent (the device is offline). */
  connectivity: "online" | "unresponsive" | "waiting" | "offline";
  deviceType: string;
  batteryLevel: number | null;
  lowBatteryThreshold: number;
  powerSource: string;
  signalStrength: number | null;
  cpuPercent: number | null;
  memoryPercent: number | null;
  storagePercent: number | null;
  calibrationStatus: string;
  firmwareUpdateStatus: string;
  firmwareUpdateError: string | null;
  /** Increase of the device's error counter over the last 24 h (telemetry). */
  errorsLast24h: number;
  /** Times the device was found offline in the last 24 h (offline alerts' occurrences). */
  offlineEventsLast24h: number;
  failedCommandsLast24h: number;
  ping: { sent: number; received: number; rttAvgMs: number | null } | null;
  lastSeen: Date | null;
  now: Date;
};

/** Appendix E.1: "High error rate: > 10 errors/hour". */
const HIGH_ERRORS_PER_DAY = 10 * 24;
/** Appendix E.1: "Poor signal: < -70 dBm". */
const POOR_SIGNAL_DBM = -70;

export function recommendationsFor(facts: DiagnosisFacts): string[] {
  const out: string[] = [];
  const percent = (value: number) => `${Math.round(value)} %`;

  if (facts.connectivity === "offline") {
    const since = facts.lastSeen ? ` (last heard ${minutesAgo(facts.lastSeen, facts.now)})` : "";
    out.push(`The device is offline${since}: check its power and network connection, then try again.`);
  } else if (facts.connectivity === "unresponsive") {
    out.push("The device is not responding to commands. Check physical connectivity.");
  }

  if (facts.ping && facts.ping.sent > 0) {
    const loss = (facts.ping.sent - facts.ping.received) / facts.ping.sent;
    if (loss > 0) out.push(`${percent(loss * 100)} of pings were lost: the link is unreliable — check the signal path or the gateway.`);
    else if (facts.ping.rttAvgMs !== null && facts.ping.rttAvgMs > 1000) out.push(`Round trips take ${Math.round(facts.ping.rttAvgMs)} ms on average: the link is slow — check the gateway's load and signal.`);
  }

  if (facts.errorsLast24h > 0) {
    const rate = facts.errorsLast24h > HIGH_ERRORS_PER_DAY ? " — more than 10 an hour: check the sensor calibration" : "";
    out.push(`Device has ${facts.errorsLast24h} errors in last 24h${rate}. Review logs for details (Collect logs).`);
  }
  if (facts.failedCommandsLast24h > 0) out.push(`${facts.failedCommandsLast24h} command(s) failed or went unanswered in the last 24 h: see the command history.`);
  if (facts.offlineEventsLast24h >= 2) out.push(`Went offline ${facts.offlineEventsLast24h} times in 24 h: check the power supply and the connection's stability.`);

  if (facts.batteryLevel !== null && (facts.powerSource === "battery" || facts.powerSource === "solar") && facts.batteryLevel < facts.lowBatteryThreshold) {
    const solar = facts.powerSource === "solar" ? ", check the solar panel" : "";
    out.push(`Battery at ${percent(facts.batteryLevel)}: schedule a battery replacement${solar}.`);
  }
  if (facts.signalStrength !== null && facts.signalStrength < POOR_SIGNAL_DBM) {
    out.push(`Poor signal (${facts.signalStrength} dBm): relocate the device or add a signal repeater.`);
  }
  if (facts.storagePercent !== null && facts.storagePercent >= 90) out.push(`Storage ${percent(facts.storagePercent)} full: collect the logs, then restart to rotate them; a firmware update may fail for lack of space.`);
  if (facts.memoryPercent !== null && facts.memoryPercent >= 90) out.push(`Memory ${percent(facts.memoryPercent)} used: a restart frees it; if it comes back, collect logs with debug mode on.`);
  if (facts.cpuPercent !== null && facts.cpuPercent >= 90) out.push(`CPU at ${percent(facts.cpuPercent)}: run diagnostics to find the busy component.`);
  if (facts.calibrationStatus === "overdue" || facts.calibrationStatus === "due") {
    const how = facts.deviceType === "milk_meter" ? " (Calibrate flow, or Zero flow with the line empty)" : "";
    out.push(`Calibration is ${facts.calibrationStatus}: calibrate the device${how}.`);
  }
  if (facts.firmwareUpdateStatus === "failed") out.push(`The last firmware update failed${facts.firmwareUpdateError ? ` (${facts.firmwareUpdateError})` : ""}: check storage space, then retry with a smaller batch.`);

  if (out.length === 0 && facts.connectivity === "online") out.push("No problem found: the device answers, and its battery, signal and error count are normal.");
  return out;
}

function minutesAgo(then: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - then.getTime()) / 60_000));
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}
