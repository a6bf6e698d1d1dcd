import { withApi } from "@/lib/api/with-api";
import { templateCsv } from "@/lib/import/import-columns";

/** The import template: the header row and one example row per device type. */
export const GET = withApi(
  async () =>
    new Response(templateCsv(), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="device-import-template.csv"', "Cache-Control": "no-store" },
    }),
  { permission: "devices.import" },
);
