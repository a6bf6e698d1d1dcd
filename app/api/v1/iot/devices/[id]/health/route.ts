import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { deviceHealthHistory, historyRangeSchema } from "@/lib/health/health-history";
import { deviceHealth } from "@/lib/health/health-summary";

type Params = { id: string };

const querySchema = z.object({ history: historyRangeSchema.optional() });

/**
 * One device's health fields and open alerts; `?history=24h|7d|30d` adds the bucketed telemetry
 * series the device page's charts draw.
 */
export const GET = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = decodeURIComponent(params.id);
    if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
    const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const db = getDb();
    const { dbId, ...health } = await deviceHealth(db, actor, id);
    return query.history ? { ...health, history: await deviceHealthHistory(db, dbId, query.history) } : health;
  },
  { permission: "devices.read" },
);
