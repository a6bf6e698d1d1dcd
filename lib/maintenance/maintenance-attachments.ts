/**
 * Files kept with maintenance work (photos, reports, certificates) in the blob store. Added by
 * those who do the work (maintenance.write), read by anyone who may read the device.
 */
import type { Readable } from "node:stream";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import type { AttachmentRow } from "./maintenance-types";

/** An upload already written to a temp file (receiveToTempFile / readMultipartUpload). */
export type AttachmentUpload = { file: string; size: number; sha256: string; fileName: string; contentType: string };

/** A browser File (server action) written to a temp file, size-capped; then addAttachment. */
export async function receiveAttachmentFile(file: File): Promise<AttachmentUpload> {
  void file;
  throw new Error("not implemented yet");
}

/** Stores the file with the work. Refused: too large, a type other than images/PDF/text. */
export async function addAttachment(db: Db, actor: Actor, maintenanceId: number, upload: AttachmentUpload): Promise<AttachmentRow> {
  void db; void actor; void maintenanceId; void upload;
  throw new Error("not implemented yet");
}

export async function listAttachments(db: Db, actor: Actor, maintenanceId: number): Promise<AttachmentRow[]> {
  void db; void actor; void maintenanceId;
  throw new Error("not implemented yet");
}

/** The file to download. 404 for another farm's work or an attachment of other work. */
export async function readAttachment(db: Db, actor: Actor, maintenanceId: number, attachmentId: number): Promise<AttachmentRow & { body: Readable }> {
  void db; void actor; void maintenanceId; void attachmentId;
  throw new Error("not implemented yet");
}
