import { NextResponse } from "next/server";
import { readMultipartUpload } from "@/lib/api/multipart-upload";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { InvalidError } from "@/lib/errors";
import { ATTACHMENT_BODY } from "@/lib/maintenance/maintenance-api";
import { addAttachment, attachmentTmpDir, listAttachments } from "@/lib/maintenance/maintenance-attachments";
import { ATTACHMENT_MAX_BYTES } from "@/lib/maintenance/maintenance-fields";
import { idFromPath } from "@/lib/maintenance/maintenance-schemas";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const data = await listAttachments(getDb(), actor, idFromPath(params.id, "maintenance record"));
    return { data, total: data.length };
  },
  { permission: "devices.read" },
);

/** multipart/form-data with the file as `file`: a photo, a PDF or a text file, at most 10 MB. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = idFromPath(params.id, "maintenance record");
    const { file } = await readMultipartUpload(request, { tmpDir: attachmentTmpDir(), maxBytes: ATTACHMENT_MAX_BYTES, fileField: "file" });
    if (!file) throw new InvalidError("Choose the file to attach.", { file: ["Choose a file"] });
    const created = await addAttachment(getDb(), actor, id, file);
    return NextResponse.json(created, { status: 201 });
  },
  { permission: "maintenance.write", body: ATTACHMENT_BODY },
);
