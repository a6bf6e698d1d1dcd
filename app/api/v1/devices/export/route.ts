import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { exportDevicesCsv } from "@/lib/devices/device-export";
import { parseDeviceListQuery } from "@/lib/devices/device-list";
import { deviceIdSchema } from "@/lib/devices/device-id";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { InvalidError } from "@/lib/errors";

/**
 * CSV of the devices: `?deviceIds=MM001,MM002` for a selection, or the list's filters for the whole
 * filtered set. Streamed, so a large fleet downloads without filling the server's memory.
 */
export const GET = withApi(
  async ({ request, actor }) => {
    const params = new URL(request.url).searchParams;
    const ids = params.get("deviceIds");
    let target;
    if (ids) {
      const deviceIds = ids.split(",").map((id) => id.trim()).filter(Boolean);
      const bad = deviceIds.filter((id) => !deviceIdSchema.safeParse(id).success);
      if (bad.length) throw new InvalidError("Some device ids are not valid.", { deviceIds: [`Not device ids: ${bad.slice(0, 5).join(", ")}`] });
      target = { deviceIds };
    } else {
      target = { filter: parseDeviceListQuery(searchParamsToObject(params)) };
    }
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "");
    return new Response(await exportDevicesCsv(getDb(), actor, target), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="devices-${stamp}.csv"`, "Cache-Control": "no-store" },
    });
  },
  { permission: "devices.read" },
);
