/**
 * Devices fetch their firmware over HTTP with their own MQTT credentials (HTTP Basic), by byte
 * ranges when they resume. A device gets only binaries of its own type that have left draft (a
 * deprecated one stays fetchable: rolling back to it must work).
 */
import type { Actor, Permission } from "../auth/permissions";
import { can } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";
import { verifyDeviceCredentials } from "../provisioning/credentials";
import type { BlobStore, ByteRange } from "../storage";

export type Downloader = { kind: "device"; deviceId: string } | { kind: "actor"; actor: Actor };

/** Basic credentials from an Authorization header, or null when there are none. */
export function basicCredentials(header: string | null): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function deviceDownloader(db: Db, credentials: { username: string; password: string }): Promise<Downloader> {
  const deviceId = await verifyDeviceCredentials(db, credentials.username, credentials.password);
  if (!deviceId) throw new UnauthorizedError("Unknown or revoked device credentials.");
  return { kind: "device", deviceId };
}

export type FirmwareBinary = {
  size: number;
  sha256: string;
  fileName: string;
  version: string;
  open: (range?: ByteRange) => ReturnType<BlobStore["open"]>;
};

export async function firmwareBinary(db: Db, store: BlobStore, who: Downloader, firmwareId: number, permission: Permission = "firmware.read"): Promise<FirmwareBinary> {
  const firmware = await db.firmwareVersion.findUnique({
    where: { id: firmwareId },
    select: { deviceType: true, state: true, storageKey: true, sizeBytes: true, sha256: true, fileName: true, version: true },
  });
  if (!firmware || !firmware.storageKey || !firmware.sha256) throw new NotFoundError("No such firmware binary.");
  if (who.kind === "device") {
    const device = await db.device.findUnique({ where: { deviceId: who.deviceId }, select: { deviceType: true } });
    // The same answer as for a missing binary: a device learns nothing about other types' firmware.
    if (!device || device.deviceType !== firmware.deviceType || firmware.state === "draft") throw new NotFoundError("No such firmware binary.");
  } else if (!can(who.actor.role, permission)) {
    throw new ForbiddenError(`Your role (${who.actor.role}) does not allow ${permission}.`);
  }
  const key = firmware.storageKey;
  return {
    size: Number(firmware.sizeBytes),
    sha256: firmware.sha256,
    fileName: firmware.fileName ?? "firmware.bin",
    version: firmware.version,
    open: (range) => store.open(key, range),
  };
}
