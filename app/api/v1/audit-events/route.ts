import { withApi } from "@/lib/api/with-api";
import { AUDIT_API_MAX_LIMIT, AUDIT_PAGE_SIZE, auditScope, decodeCursor, listAuditEvents, parseAuditFilters } from "@/lib/audit/audit-query";
import { readerClock } from "@/lib/audit/reader-clock";
import { getReadDb } from "@/lib/db";
import { InvalidError } from "@/lib/errors";

/**
 * The audit log, newest first: the screen's filters, `limit` (≤ 500) and `cursor` (the previous
 * page's `nextCursor`). Admins read every event; a farm-bound reader (a manager) their farm's.
 */
export const GET = withApi(
  async ({ request, actor }) => {
    const params = new URL(request.url).searchParams;
    const db = getReadDb();
    const clock = await readerClock(db, actor);
    const filters = parseAuditFilters(params, clock.timeZone);
    const limitText = params.get("limit");
    const limit = limitText ? Number(limitText) : AUDIT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_API_MAX_LIMIT) throw new InvalidError(`limit must be a whole number from 1 to ${AUDIT_API_MAX_LIMIT}.`, { limit: [`1 to ${AUDIT_API_MAX_LIMIT}`] });
    const page = await listAuditEvents(db, auditScope(actor), filters, { older: decodeCursor(params.get("cursor")), limit });
    return {
      data: page.rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
      nextCursor: page.older,
    };
  },
  { permission: "audit.browse" },
);
