import { withApi } from "@/lib/api/with-api";
import { exportAuditCsv } from "@/lib/audit/audit-export";
import { auditScope, parseAuditFilters } from "@/lib/audit/audit-query";
import { readerClock } from "@/lib/audit/reader-clock";
import { getReadDb } from "@/lib/db";

/** The audit log as CSV for the same filters as the list: every matching event, streamed. */
export const GET = withApi(
  async ({ request, actor }) => {
    const params = new URL(request.url).searchParams;
    const db = getReadDb();
    const clock = await readerClock(db, actor);
    const filters = parseAuditFilters(params, clock.timeZone);
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "");
    return new Response(exportAuditCsv(db, auditScope(actor), filters, clock), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="audit-log-${stamp}.csv"`, "Cache-Control": "no-store" },
    });
  },
  { permission: "audit.browse" },
);
