import { notFound } from "next/navigation";
import type { Actor } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { getDeviceDetail } from "@/lib/devices/device-detail";
import { NotFoundError } from "@/lib/errors";

/** The device, or the not-found page, also for a device of a farm the person may not see. */
export async function loadDevice(db: Db, actor: Actor, deviceId: string) {
  try {
    return await getDeviceDetail(db, actor, decodeURIComponent(deviceId));
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
