import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { calibrationInputSchema } from "@/lib/calibration/calibration-schemas";
import { calibrationListQuery, deviceCalibrations, deviceCalibrationsJson, recordCalibration } from "@/lib/calibration/calibrations";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The device's calibration status, last and next due date, and its calibrations, newest first. */
export const GET = withApi<Params>(
  async ({ request, actor, params }) => {
    const { limit } = calibrationListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    return deviceCalibrationsJson(await deviceCalibrations(getDb(), actor, deviceIdFromPath(params.id), limit));
  },
  { permission: "devices.read" },
);

/** A calibration entered by hand: moves the device's last and next calibration and its status. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const input = await readJson(request, calibrationInputSchema);
    const made = await recordCalibration(getDb(), actor, deviceIdFromPath(params.id), input);
    const view = deviceCalibrationsJson(await deviceCalibrations(getDb(), actor, made.deviceId, 1));
    return NextResponse.json({ calibration: view.data[0], device: { ...view, data: undefined } }, { status: 201 });
  },
  { permission: "maintenance.write" },
);
