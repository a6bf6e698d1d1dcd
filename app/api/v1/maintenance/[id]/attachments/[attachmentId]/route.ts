import { Readable } from "node:stream";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { readAttachment } from "@/lib/maintenance/maintenance-attachments";
import { idFromPath } from "@/lib/maintenance/maintenance-schemas";

type Params = { id: string; attachmentId: string };

/** The file as it was uploaded; images and PDFs open in the browser, anything else downloads. */
export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const file = await readAttachment(getDb(), actor, idFromPath(params.id, "maintenance record"), idFromPath(params.attachmentId, "attachment"));
    const inline = file.contentType.startsWith("image/") || file.contentType === "application/pdf";
    return new Response(Readable.toWeb(file.body) as ReadableStream, {
      headers: {
        "content-type": file.contentType,
        "content-length": String(file.sizeBytes),
        "content-disposition": `${inline ? "inline" : "attachment"}; filename="${file.fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        "cache-control": "private, no-transform",
      },
    });
  },
  { permission: "devices.read" },
);
