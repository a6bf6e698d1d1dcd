/**
 * The simulated fleet's credentials file (`.data/simulator-fleet.json`, mode 0600, git-ignored):
 * written when demo devices get their credentials, read by the simulator. It holds plain MQTT
 * passwords of demo devices only, on the machine that runs the demo — the database keeps hashes.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "../lib/db";
import { issueDeviceCredentials, verifyDeviceCredentials } from "../lib/provisioning/credentials";

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

/**
 * Makes sure the first `count` active devices have credentials the simulator can use. Reuses the
 * file while its credentials still verify (a second `npm start` keeps the same fleet); otherwise
 * issues new ones (which revokes the old). Either way each device's firmware version is taken from
 * the database: a restarted simulator must boot the version an update installed, not the one the
 * file was written with (it would report the old one and undo the update on the device record).
 */
export async function ensureSimulatedFleet(db: Db, file: string, count: number): Promise<SimulatedDevice[]> {
  const existing = readFleetFile(file);
  if (existing.length >= count && existing.length > 0) {
    const sample = existing[0]!;
    if ((await verifyDeviceCredentials(db, sample.username, sample.password)) === sample.deviceId) {
      const fleet = existing.slice(0, count);
      const rows = await db.device.findMany({ where: { deviceId: { in: fleet.map((device) => device.deviceId) } }, select: { deviceId: true, firmwareVersion: true } });
      const installed = new Map(rows.map((row) => [row.deviceId, row.firmwareVersion]));
      const refreshed = existing.map((device) => (installed.has(device.deviceId) ? { ...device, firmwareVersion: installed.get(device.deviceId) } : device));
      writeFleetFile(file, refreshed);
      return refreshed.slice(0, count);
    }
  }
  const devices = await db.device.findMany({
    where: { state: "active" },
    orderBy: { id: "asc" },
    take: count,
    select: { id: true, deviceId: true, deviceType: true, firmwareVersion: true },
  });
  const fleet: SimulatedDevice[] = [];
  for (const device of devices) {
    const credentials = await issueDeviceCredentials(db, device);
    fleet.push({ deviceId: device.deviceId, deviceType: device.deviceType, firmwareVersion: device.firmwareVersion, ...credentials });
  }
  writeFleetFile(file, fleet);
  return fleet;
}
