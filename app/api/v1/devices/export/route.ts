import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { EXPORT_FORMATS, exportColumnsSchema, exportDevices, type ExportFormat } from "@/lib/devices/device-export";
import { parseDeviceListQuery } from "@/lib/devices/device-list";
import { deviceIdSchema } from "@/lib/devices/device-id";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { InvalidError } from "@/lib/errors";

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/**
 * The devices as CSV (default) or Excel (`?format=xlsx`): `?deviceIds=MM001,MM002` for a
 * selection, or the list's filters for the whole filtered set; `?columns=` the visible columns
 * only, in their order. Streamed, so a large fleet
 * downloads without filling the server's memory.
 */
export const GET = withApi(
  async ({ request, actor }) => {
    const params = new URL(request.url).searchParams;
    const asked = params.get("format") ?? "csv";
    if (!(EXPORT_FORMATS as readonly string[]).includes(asked)) throw new InvalidError(`Unknown export format "${asked}".`, { format: [`One of ${EXPORT_FORMATS.join(", ")}`] });
    const format = asked as ExportFormat;
    params.delete("format");
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
    const columnsParam = params.get("columns");
    const columns = columnsParam === null ? undefined : exportColumnsSchema.safeParse(columnsParam);
    if (columns && !columns.success) throw new InvalidError("The export columns are not valid.", { columns: columns.error.issues.map((issue) => issue.message) });
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "");
    return new Response(await exportDevices(getDb(), actor, target, format, columns?.data), {
      headers: { "Content-Type": CONTENT_TYPE[format], "Content-Disposition": `attachment; filename="devices-${stamp}.${format}"`, "Cache-Control": "no-store" },
    });
  },
  { permission: "devices.read" },
);
