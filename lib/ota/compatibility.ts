/**
 * Which devices may take a firmware version (M92 schedule_update refuses other device types;
 * I-013 target criteria add models and the minimum previous version). Refused devices are listed
 * with the reason, so the person scheduling sees exactly whom "force" would include.
 */
import { compareVersions } from "../firmware/version-order";

export type UpdateCandidate = { deviceId: string; deviceType: string; model: string | null; firmwareVersion: string | null };
export type UpdateFirmware = { version: string; deviceType: string; compatibleModels: string[]; minPreviousVersion: string | null };
export type Refusal = { deviceId: string; reason: string; forceable: boolean };

export function compatibilityRefusals(devices: readonly UpdateCandidate[], firmware: UpdateFirmware): Refusal[] {
  const refusals: Refusal[] = [];
  for (const device of devices) {
    if (device.deviceType !== firmware.deviceType) {
      // Never forceable: another type's binary would brick the device.
      refusals.push({ deviceId: device.deviceId, reason: `is a ${device.deviceType.replace(/_/g, " ")}, the firmware is for ${firmware.deviceType.replace(/_/g, " ")}`, forceable: false });
    } else if (firmware.compatibleModels.length > 0 && !firmware.compatibleModels.includes(device.model ?? "")) {
      refusals.push({ deviceId: device.deviceId, reason: `model ${device.model ?? "unknown"} is not among ${firmware.compatibleModels.join(", ")}`, forceable: true });
    } else if (firmware.minPreviousVersion && (!device.firmwareVersion || compareVersions(device.firmwareVersion, firmware.minPreviousVersion) < 0)) {
      refusals.push({ deviceId: device.deviceId, reason: `runs ${device.firmwareVersion ?? "an unknown version"}, older than the required ${firmware.minPreviousVersion}`, forceable: true });
    } else if (device.firmwareVersion && compareVersions(device.firmwareVersion, firmware.version) === 0) {
      refusals.push({ deviceId: device.deviceId, reason: `already runs ${firmware.version}`, forceable: true });
    }
  }
  return refusals;
}
