import { withApi } from "@/lib/api/with-api";
import { scheduleUpdateFromRequest } from "@/lib/ota/schedule-update-route";

export const dynamic = "force-dynamic";

/**
 * M92 "Schedule firmware update": the same job as POST /api/v1/ota/campaigns. The body is
 * scheduleUpdateSchema's, validated once in lib/ota (the M92 `device_ids` of Odoo record ids has no
 * counterpart here: devices are named by their device id, or picked by a filter).
 */
export const POST = withApi(scheduleUpdateFromRequest, { permission: "ota.schedule" });
