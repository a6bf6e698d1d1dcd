/**
 * Files kept with maintenance work (photos, reports, certificates) in the blob store firmware and
 * log bundles use. Added by those who do the work (maintenance.write), at most
 * ATTACHMENT_MAX_BYTES, images, PDF and plain text only; read by anyone who may read the device
 * (another farm's work is not found).
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import { loadConfig } from "../config/env";
import type { Db } from "../db";
import { InvalidError, NotFoundError } from "../errors";
import { getBlobStore, type BlobStore } from "../storage";
import { receiveToTempFile, UploadTooLargeError } from "../storage/receive-file";
import { actorUserId, assertMay } from "./maintenance-access";
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_MAX_BYTES } from "./maintenance-fields";
import { loadScopedWork } from "./maintenance-queries";
import type { AttachmentRow } from "./maintenance-types";

/** An upload already written to a temp file (receiveToTempFile / readMultipartUpload). */
export type AttachmentUpload = { file: string; size: number; sha256: string; fileName: string; contentType: string };

export function attachmentTmpDir(): string {
  return path.resolve(loadConfig().DATA_DIR, "tmp");
}

const TOO_LARGE = `At most ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`;

/** A browser File (server action) written to a temp file, size-capped; then addAttachment. */
export async function receiveAttachmentFile(file: File): Promise<AttachmentUpload> {
  if (!file || typeof file.stream !== "function" || file.size === 0) throw new InvalidError("Choose a file.", { file: ["Choose a file"] });
  if (file.size > ATTACHMENT_MAX_BYTES) throw new InvalidError(`The file is larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB.`, { file: [TOO_LARGE] });
  try {
    const received = await receiveToTempFile(Readable.fromWeb(file.stream() as never), { tmpDir: attachmentTmpDir(), maxBytes: ATTACHMENT_MAX_BYTES });
    return { ...received, fileName: file.name || "attachment", contentType: file.type || "application/octet-stream" };
  } catch (error) {
    if (error instanceof UploadTooLargeError) throw new InvalidError(`The file is larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB.`, { file: [TOO_LARGE] });
    throw error;
  }
}

/** "image/jpeg; charset=…" → "image/jpeg"; an unknown type is refused. */
function acceptedType(contentType: string, fileName: string): string {
  let type = contentType.split(";")[0]!.trim().toLowerCase();
  // Some phones send photos as octet-stream: trust a known extension then.
  if (type === "application/octet-stream" || type === "") {
    const ext = path.extname(fileName).toLowerCase();
    type = ({ ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".heic": "image/heic", ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv" } as Record<string, string>)[ext] ?? type;
  }
  if (!(ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new InvalidError("Only photos (JPEG, PNG, WebP, HEIC), PDF and text files can be attached.", { file: ["Attach a photo, a PDF or a text file"] });
  }
  return type;
}

/** A file name safe to show and to put in a Content-Disposition: no path, no control characters. */
function cleanName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "attachment";
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 200);
  return cleaned || "attachment";
}

type AttachmentRecord = { id: number; fileName: string; contentType: string; sizeBytes: number; uploadedById: number | null; createdAt: Date };

async function rowsOf(db: Pick<Db, "user">, files: AttachmentRecord[]): Promise<AttachmentRow[]> {
  const ids = [...new Set(files.map((file) => file.uploadedById).filter((id): id is number => id !== null))];
  const users = new Map((ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : []).map((user) => [user.id, user.name]));
  return files.map((file) => ({ id: file.id, fileName: file.fileName, contentType: file.contentType, sizeBytes: file.sizeBytes, uploadedByName: file.uploadedById === null ? null : (users.get(file.uploadedById) ?? null), createdAt: file.createdAt }));
}

/** Stores the file with the work. Refused: too large, a type other than images/PDF/text. The temp file is always removed. */
export async function addAttachment(db: Db, actor: Actor, maintenanceId: number, upload: AttachmentUpload, store: BlobStore = getBlobStore()): Promise<AttachmentRow> {
  try {
    assertMay(actor, "maintenance.write");
    const work = await loadScopedWork(db, actor, maintenanceId);
    if (upload.size > ATTACHMENT_MAX_BYTES) throw new InvalidError(`The file is larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB.`, { file: [TOO_LARGE] });
    if (upload.size === 0) throw new InvalidError("The file is empty.", { file: ["The file is empty"] });
    const contentType = acceptedType(upload.contentType, upload.fileName);
    const fileName = cleanName(upload.fileName);
    const key = `maintenance/${work.id}/${randomUUID()}${path.extname(fileName).toLowerCase().replace(/[^a-z0-9.]/g, "").slice(0, 10)}`;
    await store.putFile(key, upload.file, { size: upload.size, sha256: upload.sha256, contentType });
    try {
      const row = await db.$transaction(async (tx) => {
        const created = await tx.maintenanceAttachment.create({ data: { maintenanceId: work.id, fileName, contentType, sizeBytes: upload.size, storageKey: key, uploadedById: actorUserId(actor) } });
        await recordAudit(tx, actor, { entityType: "maintenance", entityId: String(work.id), action: "attachment.add", after: { attachmentId: created.id, fileName, contentType, sizeBytes: upload.size } });
        return created;
      });
      return (await rowsOf(db, [row]))[0]!;
    } catch (error) {
      // Recorded and stored, or neither: a file nobody points to is removed.
      await store.remove(key).catch(() => undefined);
      throw error;
    }
  } finally {
    await rm(upload.file, { force: true }).catch(() => undefined);
  }
}

export async function listAttachments(db: Db, actor: Actor, maintenanceId: number): Promise<AttachmentRow[]> {
  await loadScopedWork(db, actor, maintenanceId);
  return rowsOf(db, await db.maintenanceAttachment.findMany({ where: { maintenanceId }, orderBy: { id: "asc" } }));
}

/** The file to download. 404 for another farm's work or an attachment of other work. */
export async function readAttachment(db: Db, actor: Actor, maintenanceId: number, attachmentId: number, store: BlobStore = getBlobStore()): Promise<AttachmentRow & { body: Readable }> {
  await loadScopedWork(db, actor, maintenanceId);
  const file = await db.maintenanceAttachment.findFirst({ where: { id: attachmentId, maintenanceId } });
  if (!file) throw new NotFoundError(`Attachment ${attachmentId} not found.`);
  const object = await store.open(file.storageKey);
  if (!object) throw new NotFoundError(`Attachment ${attachmentId} is missing from storage.`);
  return { ...(await rowsOf(db, [file]))[0]!, body: object.body };
}
