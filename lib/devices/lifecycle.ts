/**
 * The lifecycle of I-013 §3 as the device page's status bar shows it, and which moves a person
 * may make by editing the state. Maintenance is entered and left only through maintenance mode
 * (M92 `action_enable_maintenance_mode` / `action_disable_maintenance_mode`), and decommissioning
 * only through retirement (I-013 §8), because both carry side effects an edit would skip.
 */
import type { DeviceStateName } from "./device-fields";

/** The main path, left to right; suspended and maintenance are side states shown beside it. */
export const LIFECYCLE_PATH: readonly DeviceStateName[] = ["manufactured", "provisioned", "registered", "active", "decommissioned"];

const EDITABLE_MOVES: Record<DeviceStateName, readonly DeviceStateName[]> = {
  manufactured: ["provisioned", "registered"],
  provisioned: ["registered", "active"],
  registered: ["active", "suspended"],
  active: ["suspended"],
  suspended: ["active"],
  maintenance: [],
  decommissioned: [],
};

/** The states a device may be registered in (the form's create, the API and the import alike). */
export const NEW_DEVICE_STATES: readonly DeviceStateName[] = ["manufactured", "provisioned", "registered", "active", "suspended"];

/** Why a new device may not start in `state`, or null. */
export function newStateRefusal(state: DeviceStateName): string | null {
  return NEW_DEVICE_STATES.includes(state) ? null : `A new device cannot start as ${state}: it starts as ${NEW_DEVICE_STATES.join(", ")}.`;
}

/** States a person may pick in the edit form for a device now in `from` (its own state included). */
export function editableStates(from: DeviceStateName): DeviceStateName[] {
  return [from, ...EDITABLE_MOVES[from]];
}

/** Why a state change is refused, or null when it is allowed. */
export function stateChangeRefusal(from: DeviceStateName, to: DeviceStateName): string | null {
  if (from === to) return null;
  if (from === "decommissioned") return "A retired device cannot change state.";
  if (to === "decommissioned") return "Retire the device to decommission it (its credentials are revoked and its history kept).";
  if (to === "maintenance" || from === "maintenance") return "Use maintenance mode to enter or leave maintenance.";
  if (!EDITABLE_MOVES[from].includes(to)) return `A device cannot go from ${from} to ${to}.`;
  return null;
}

/**
 * Why a device's record may not be edited at all, or null. A retired device keeps its record and
 * history read-only (I-013 §8): the edit form, the API and the CSV import all ask this.
 */
export function editRefusal(device: { deviceId: string; state: DeviceStateName }): string | null {
  return device.state === "decommissioned" ? `Device ${device.deviceId} is retired; its record is kept read-only.` : null;
}
