import { readMultipartUpload } from "@/lib/api/multipart-upload";
import { withApi } from "@/lib/api/with-api";
import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db";
import { InvalidError } from "@/lib/errors";
import { firmwareListQuerySchema } from "@/lib/firmware/firmware-schemas";
import { createFirmwareVersion, firmwareServices, listFirmwareVersions } from "@/lib/firmware/firmware-versions";
import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

export const GET = withApi(
  async ({ request, actor }) => {
    const query = firmwareListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const data = await listFirmwareVersions(getDb(), actor, query);
    return { data, total: data.length };
  },
  { permission: "firmware.read" },
);

/** multipart/form-data: the binary as `file`, the metadata as fields (see firmwareUploadSchema). */
export const POST = withApi(
  async ({ request, actor }) => {
    const services = firmwareServices();
    const { fields, file } = await readMultipartUpload(request, { tmpDir: services.tmpDir, maxBytes: services.maxBytes, fileField: "file" });
    if (!file) throw new InvalidError("Choose the firmware binary to upload.", { file: ["Choose a file"] });
    const created = await createFirmwareVersion(getDb(), actor, fields, file, services);
    return NextResponse.json(created, { status: 201 });
  },
  { permission: "firmware.write", body: { kind: "upload", maxBytes: () => loadConfig().FIRMWARE_MAX_MB * 1024 * 1024, envelope: 1024 * 1024, field: "file" } },
);
