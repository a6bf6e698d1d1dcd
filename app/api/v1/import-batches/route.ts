import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { listImportBatches } from "@/lib/import/device-import";

/** The latest device import batches, newest first. */
export const GET = withApi(async ({ actor }) => ({ data: await listImportBatches(getDb(), actor) }), { permission: "devices.import" });
