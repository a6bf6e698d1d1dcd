import { withApi } from "@/lib/api/with-api";
import { getReadDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { fieldErrorsFromIssues, InvalidError } from "@/lib/errors";
import { inventoryReport, inventoryReportCsv } from "@/lib/inventory/inventory-report";
import { inventoryReportQuerySchema } from "@/lib/inventory/inventory-schemas";

/** I-013 appendix A: the inventory report per farm and device type; `?format=csv` downloads it. */
export const GET = withApi(
  async ({ request, actor }) => {
    const parsed = inventoryReportQuerySchema.safeParse(searchParamsToObject(new URL(request.url).searchParams));
    if (!parsed.success) throw new InvalidError("The report query is not valid.", fieldErrorsFromIssues(parsed.error.issues));
    const report = await inventoryReport(getReadDb(), actor, { farmId: parsed.data.farm ?? null });
    if (parsed.data.format === "csv") {
      return new Response(inventoryReportCsv(report), {
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="inventory-${report.today}.csv"`, "Cache-Control": "no-store" },
      });
    }
    return report;
  },
  { permission: "devices.read" },
);
