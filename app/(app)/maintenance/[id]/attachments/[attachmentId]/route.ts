/**
 * A file kept with maintenance work, for the record page's links: photos and PDFs open in the
 * browser, anything else downloads. The API's CSP (sandbox) does not apply to this path, so only
 * the types we accept are shown inline, with nosniff from next.config.
 */
import { Readable } from "node:stream";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { readAttachment } from "@/lib/maintenance/maintenance-attachments";

export const dynamic = "force-dynamic";

const INLINE = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"]);

export const GET = withApi<{ id: string; attachmentId: string }>(
  async ({ actor, params }) => {
    const id = Number(params.id);
    const attachmentId = Number(params.attachmentId);
    if (!Number.isSafeInteger(id) || id < 1 || !Number.isSafeInteger(attachmentId) || attachmentId < 1) throw new NotFoundError("No such file.");
    const file = await readAttachment(getDb(), actor, id, attachmentId);
    const inline = INLINE.has(file.contentType);
    const name = file.fileName.replace(/["\\\r\n]/g, "");
    return new Response(Readable.toWeb(file.body) as ReadableStream, {
      headers: {
        "content-type": inline ? file.contentType : "application/octet-stream",
        "content-length": String(file.sizeBytes),
        "content-disposition": `${inline ? "inline" : "attachment"}; filename="${name}"`,
        "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        "cache-control": "private, no-transform",
      },
    });
  },
  { permission: "devices.read" },
);
