import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { readLogBundle } from "@/lib/commands/log-bundles";
import { logLinesQuery } from "@/lib/commands/log-lines";
import { getDb } from "@/lib/db";
import { getBlobStore } from "@/lib/storage";
import { deviceIdFromPath } from "@/lib/commands/command-requests";

type Params = { id: string; bundleId: string };

/** The bundle's lines, parsed for the viewer: `?search=&level=warn|=warn&limit=`. */
export const GET = withApi<Params>(
  async ({ request, actor, params }) => {
    const query = z.object(logLinesQuery).parse(Object.fromEntries(new URL(request.url).searchParams));
    return readLogBundle(getDb(), getBlobStore(), actor, deviceIdFromPath(params.id), params.bundleId, query);
  },
  { permission: "devices.read" },
);
