import { NextResponse } from "next/server";
import { jsonSafe } from "@/lib/api/json-safe";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getDeviceDetail } from "@/lib/devices/device-detail";
import { countDevicesBy, listDevices, parseDeviceListQuery } from "@/lib/devices/device-list";
import { deviceCreateSchema, searchParamsToObject } from "@/lib/devices/device-schemas";
import { provisionDevice } from "@/lib/provisioning/provision-device";

/**
 * The devices list: the same filters, sort and pages as /devices, plus `groupBy` counts. Pages
 * by `cursor` (nextCursor / prevCursor of the answer); `page` still works, as an offset.
 */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = parseDeviceListQuery(searchParamsToObject(new URL(request.url).searchParams));
    const db = getDb();
    const [page, groups] = await Promise.all([listDevices(db, actor, query), query.groupBy ? countDevicesBy(db, actor, query, query.groupBy) : undefined]);
    return jsonSafe({
      data: page.items,
      total: page.total,
      totalKind: page.totalKind,
      page: page.page,
      pageSize: page.pageSize,
      pages: page.pages,
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      ...(groups ? { groupBy: query.groupBy, groups } : {}),
    });
  },
  { permission: "devices.read" },
);

/**
 * Registers a device (provisioning method "api") and gives it MQTT credentials: the answer is the
 * device plus `credentials`, whose password is shown this once.
 */
export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, deviceCreateSchema);
    const db = getDb();
    const { device, credentials } = await provisionDevice(db, actor, input, "api");
    const detail = jsonSafe(await getDeviceDetail(db, actor, device.deviceId)) as Record<string, unknown>;
    return NextResponse.json({ ...detail, credentials }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { permission: "devices.write" },
);
