/** The JSON the import endpoint answers (POST /api/v1/iot/devices/import), as the page reads it. */
import type { ImportPreview, ImportResult } from "@/lib/import/device-import";
import type { ImportMode } from "@/lib/import/row-validation";

export type PreviewResponse = ImportPreview & { dryRun: true };
export type ResultResponse = ImportResult & { dryRun: false };

export const MODE_LABEL: Record<ImportMode, string> = { create: "Create only", update: "Update existing", create_update: "Create and update" };
