import { withApi } from "@/lib/api/with-api";
import { farmScope } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";

export const GET = withApi(
  async ({ actor }) => {
    const scope = farmScope(actor);
    const farms = await getDb().farm.findMany({ where: scope ? { id: scope } : undefined, orderBy: { name: "asc" }, select: { id: true, code: true, name: true, timezone: true } });
    return { data: farms, total: farms.length };
  },
  { permission: "devices.read" },
);
