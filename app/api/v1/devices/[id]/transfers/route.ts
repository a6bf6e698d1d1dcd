import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { deviceTransfers } from "@/lib/inventory/transfers";

type Params = { id: string };

/** The farms a device moved between, newest first. */
export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const id = decodeURIComponent(params.id);
    if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
    return { data: await deviceTransfers(getDb(), actor, id) };
  },
  { permission: "devices.read" },
);
