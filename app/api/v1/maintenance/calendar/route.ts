import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { maintenanceCalendar } from "@/lib/maintenance/maintenance-queries";
import { calendarQuerySchema } from "@/lib/maintenance/maintenance-schemas";

/** The calendar from `from` to `to`: per day the counts and the first entries. */
export const GET = withApi(
  async ({ request, actor }) => maintenanceCalendar(getDb(), actor, calendarQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams))),
  { permission: "devices.read" },
);
