import { Readable } from "node:stream";
import { withApi } from "@/lib/api/with-api";
import { openLogBundle } from "@/lib/commands/log-bundles";
import { getDb } from "@/lib/db";
import { getBlobStore } from "@/lib/storage";
import { deviceIdFromPath } from "@/lib/commands/command-requests";

type Params = { id: string; bundleId: string };

/** The log bundle as the device uploaded it: a .log.gz file. */
export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const file = await openLogBundle(getDb(), getBlobStore(), actor, deviceIdFromPath(params.id), params.bundleId);
    return new Response(Readable.toWeb(file.body) as ReadableStream, {
      headers: {
        "content-type": "application/gzip",
        "content-length": String(file.size),
        "content-disposition": `attachment; filename="${file.fileName.replace(/"/g, "")}"`,
        "cache-control": "private, no-transform",
        ...(file.sha256 ? { etag: `"${file.sha256}"` } : {}),
      },
    });
  },
  { permission: "devices.read" },
);
