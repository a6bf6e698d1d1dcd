/**
 * One device's update (M92 `iot.firmware.update.log`): pending → downloading → installing →
 * verifying → completed | failed, and failed or completed → rolled_back. Devices report over QoS 1,
 * so a status may arrive twice or late; a report only ever moves the log forward, which makes
 * applying the same report again, or an older one, a no-op that cannot skew the job's counts.
 */
export const UPDATE_LOG_STATES = ["pending", "downloading", "installing", "verifying", "completed", "failed", "rolled_back"] as const;
export type UpdateLogStateName = (typeof UPDATE_LOG_STATES)[number];

const RANK: Record<UpdateLogStateName, number> = { pending: 0, downloading: 1, installing: 2, verifying: 3, completed: 4, failed: 4, rolled_back: 5 };

export const FINISHED_STATES: readonly UpdateLogStateName[] = ["completed", "failed", "rolled_back"];
export const IN_FLIGHT_STATES: readonly UpdateLogStateName[] = ["downloading", "installing", "verifying"];

/** The state the log moves to on this report, or null when the report changes nothing. */
export function nextLogState(current: UpdateLogStateName, reported: UpdateLogStateName): UpdateLogStateName | null {
  if (reported === "pending" || reported === current) return null;
  if (current === "rolled_back") return null;
  // A finished update is only ever rolled back; a late "installing" or a "completed" after a
  // "failed" (the device gave up, then a stale retry succeeded) does not reopen it.
  if (current === "completed" || current === "failed") return reported === "rolled_back" ? reported : null;
  return RANK[reported] > RANK[current] ? reported : null;
}
