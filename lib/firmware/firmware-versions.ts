/**
 * Firmware versions (M92 `iot.firmware.version`): a binary kept by lib/storage, its size and SHA-256
 * computed on upload, a manifest signed with the server's Ed25519 key, and a release state that
 * only moves along FIRMWARE_TRANSITIONS. Admin work (firmware.write / firmware.publish).
 */
import path from "node:path";
import { rm } from "node:fs/promises";
import { Prisma } from "@prisma/client";
import { permissionRefusal, type Actor, type Permission } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import { loadConfig } from "../config/env";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, fieldErrorsFromIssues } from "../errors";
import { getBlobStore, type BlobStore } from "../storage";
import type { ReceivedFile } from "../storage/receive-file";
import { FIRMWARE_TRANSITIONS, firmwareUploadSchema, type FirmwareStateName } from "./firmware-schemas";
import { signManifest, canonicalManifest, type FirmwareManifest, type SigningKey } from "./signing";
import { getSigningKey } from "./signing-key";

export type FirmwareServices = { store: BlobStore; signingKey: SigningKey; tmpDir: string; maxBytes: number };

export function firmwareServices(): FirmwareServices {
  const config = loadConfig();
  return { store: getBlobStore(), signingKey: getSigningKey(), tmpDir: path.resolve(config.DATA_DIR, "tmp"), maxBytes: config.FIRMWARE_MAX_MB * 1024 * 1024 };
}

function requirePermission(actor: Actor, permission: Permission) {
  const refusal = permissionRefusal(actor, permission);
  if (refusal) throw new ForbiddenError(refusal);
}

const SUMMARY_SELECT = {
  id: true,
  name: true,
  version: true,
  deviceType: true,
  manufacturer: true,
  compatibleModels: true,
  fileName: true,
  sizeBytes: true,
  sha256: true,
  signature: true,
  releaseDate: true,
  releaseNotes: true,
  changelog: true,
  state: true,
  isMandatory: true,
  minPreviousVersion: true,
  successfulUpdates: true,
  failedUpdates: true,
  createdAt: true,
  _count: { select: { installedOn: true } },
} satisfies Prisma.FirmwareVersionSelect;

type Row = Prisma.FirmwareVersionGetPayload<{ select: typeof SUMMARY_SELECT }>;

export type FirmwareVersionSummary = Omit<Row, "_count" | "sizeBytes"> & { sizeBytes: number; installedCount: number; allowedStates: FirmwareStateName[] };

function summary(row: Row): FirmwareVersionSummary {
  const { _count, sizeBytes, ...rest } = row;
  return { ...rest, sizeBytes: Number(sizeBytes), installedCount: _count.installedOn, allowedStates: [...FIRMWARE_TRANSITIONS[row.state]] };
}

/** The manifest a device receives with an update and checks against the signature. */
export type ManifestFields = Pick<Row, "deviceType" | "version" | "fileName" | "sha256" | "minPreviousVersion" | "compatibleModels" | "isMandatory"> & { sizeBytes: number | bigint };

export function manifestOf(version: ManifestFields, keyId: string): FirmwareManifest {
  return {
    device_type: version.deviceType,
    version: version.version,
    firmware_file: version.fileName ?? "firmware.bin",
    file_size: Number(version.sizeBytes),
    sha256_hash: version.sha256 ?? "",
    min_previous_version: version.minPreviousVersion ?? null,
    compatible_models: version.compatibleModels,
    mandatory: version.isMandatory,
    signing_key_id: keyId,
  };
}

/** The manifest text and its signature for a stored version (what ota/update carries). */
export function signedManifestOf(version: ManifestFields, key: SigningKey) {
  const manifest = manifestOf(version, key.keyId);
  return { manifest: canonicalManifest(manifest), signature: signManifest(key, manifest), keyId: key.keyId };
}

const safeFileName = (name: string) => path.basename(name).replace(/[^\w.+-]+/g, "_").slice(0, 200) || "firmware.bin";

/**
 * Registers an uploaded binary (already streamed to a temp file, counted and hashed) as a new draft
 * version. The temp file is always consumed: moved into the store, or removed on refusal.
 */
export async function createFirmwareVersion(
  db: Db,
  actor: Actor,
  input: unknown,
  upload: ReceivedFile & { fileName: string },
  services: FirmwareServices,
): Promise<FirmwareVersionSummary> {
  let stored: string | null = null;
  try {
    requirePermission(actor, "firmware.write");
    const parsed = firmwareUploadSchema.safeParse(input);
    if (!parsed.success) throw new InvalidError("Check the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
    const data = parsed.data;
    if (upload.size === 0) throw new InvalidError("The file is empty.", { file: ["The file is empty"] });
    const taken = await db.firmwareVersion.findUnique({ where: { version_deviceType: { version: data.version, deviceType: data.deviceType } }, select: { id: true } });
    if (taken) throw new ConflictError(`Version ${data.version} already exists for this device type.`, { version: ["This version already exists for this device type"] });

    const fileName = safeFileName(upload.fileName);
    const key = `firmware/${data.deviceType}/${data.version.replace(/[^\w.-]/g, "_")}-${upload.sha256.slice(0, 12)}.bin`;
    await services.store.putFile(key, upload.file, { size: upload.size, sha256: upload.sha256 });
    stored = key;
    const fields = {
      name: data.name,
      version: data.version,
      deviceType: data.deviceType,
      manufacturer: data.manufacturer ?? null,
      compatibleModels: data.compatibleModels ?? [],
      minPreviousVersion: data.minPreviousVersion ?? null,
      isMandatory: data.isMandatory ?? false,
      releaseNotes: data.releaseNotes ?? null,
      changelog: data.changelog ?? null,
      fileName,
      sizeBytes: upload.size,
      sha256: upload.sha256,
    };
    const { signature } = signedManifestOf(fields, services.signingKey);
    const row = await db.$transaction(async (tx) => {
      const created = await tx.firmwareVersion.create({ data: { ...fields, storageKey: key, signature, state: "draft" }, select: SUMMARY_SELECT });
      await recordAudit(tx, actor, {
        entityType: "firmware_version",
        entityId: String(created.id),
        action: "uploaded",
        after: { version: fields.version, deviceType: fields.deviceType, sizeBytes: fields.sizeBytes, sha256: fields.sha256, signingKeyId: services.signingKey.keyId },
      });
      return created;
    });
    stored = null;
    return summary(row);
  } catch (error) {
    if (stored) await services.store.remove(stored).catch(() => undefined);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ConflictError("This version already exists for this device type.", { version: ["This version already exists for this device type"] });
    }
    throw error;
  } finally {
    await rm(upload.file, { force: true });
  }
}

export async function listFirmwareVersions(db: Db, actor: Actor, filter: { deviceType?: Row["deviceType"]; state?: FirmwareStateName } = {}) {
  requirePermission(actor, "firmware.read");
  const rows = await db.firmwareVersion.findMany({
    where: { deviceType: filter.deviceType, state: filter.state },
    orderBy: [{ deviceType: "asc" }, { createdAt: "desc" }, { id: "desc" }],
    select: SUMMARY_SELECT,
  });
  return rows.map(summary);
}

export async function getFirmwareVersion(db: Db, actor: Actor, id: number): Promise<FirmwareVersionSummary> {
  requirePermission(actor, "firmware.read");
  const row = await db.firmwareVersion.findUnique({ where: { id }, select: SUMMARY_SELECT });
  if (!row) throw new NotFoundError("No such firmware version.");
  return summary(row);
}

/** Moves a release along FIRMWARE_TRANSITIONS; making it stable or retiring it is "publish" work. */
export async function changeFirmwareState(db: Db, actor: Actor, id: number, state: FirmwareStateName): Promise<FirmwareVersionSummary> {
  requirePermission(actor, state === "stable" || state === "deprecated" ? "firmware.publish" : "firmware.write");
  return db.$transaction(async (tx) => {
    const current = await tx.firmwareVersion.findUnique({ where: { id }, select: { state: true, version: true } });
    if (!current) throw new NotFoundError("No such firmware version.");
    if (!FIRMWARE_TRANSITIONS[current.state].includes(state)) {
      const allowed = FIRMWARE_TRANSITIONS[current.state];
      throw new ConflictError(
        `A ${current.state} version cannot become ${state}${allowed.length ? ` (it can become ${allowed.join(" or ")})` : " (deprecated is final)"}.`,
        { state: [`Not allowed from ${current.state}`] },
      );
    }
    // Compare-and-set: two admins clicking at once cannot both move it.
    const moved = await tx.firmwareVersion.updateMany({ where: { id, state: current.state }, data: { state } });
    if (moved.count === 0) throw new ConflictError("Someone changed this version meanwhile; reload and try again.");
    await recordAudit(tx, actor, { entityType: "firmware_version", entityId: String(id), action: "state_changed", before: { state: current.state }, after: { state } });
    const row = await tx.firmwareVersion.findUniqueOrThrow({ where: { id }, select: SUMMARY_SELECT });
    return summary(row);
  });
}
