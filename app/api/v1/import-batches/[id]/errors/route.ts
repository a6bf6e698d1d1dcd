import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { importErrorReportCsv } from "@/lib/import/device-import";
import { importBatchParamsSchema } from "@/lib/import/import-schemas";

/** A batch's rejected rows as CSV: row, column, message. */
export const GET = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const { id } = importBatchParamsSchema.parse(params);
    const report = await importErrorReportCsv(getDb(), actor, id);
    return new Response(report.csv, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${report.fileName.replace(/[^\w.-]+/g, "_")}"`, "Cache-Control": "no-store" },
    });
  },
  { permission: "devices.import" },
);
