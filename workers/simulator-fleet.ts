/**
 * The simulated fleet's credentials file (`.data/simulator-fleet.json`, mode 0600, git-ignored):
 * written when demo devices get their credentials, read by the simulator. It holds plain MQTT
 * passwords of demo devices only, on the machine that runs the demo — the database keeps hashes.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const simulatedDeviceSchema = z.object({
  deviceId: z.string(),
  deviceType: z.string(),
  username: z.string(),
  password: z.string(),
  clientId: z.string(),
  firmwareVersion: z.string().nullish(),
});
export type SimulatedDevice = z.infer<typeof simulatedDeviceSchema>;

export function fleetFilePath(dataDir: string) {
  return path.resolve(dataDir, "simulator-fleet.json");
}

export function readFleetFile(file: string): SimulatedDevice[] {
  if (!existsSync(file)) return [];
  const parsed = z.array(simulatedDeviceSchema).safeParse(JSON.parse(readFileSync(file, "utf8")));
  return parsed.success ? parsed.data : [];
}

export function writeFleetFile(file: string, devices: SimulatedDevice[]) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(devices, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}
