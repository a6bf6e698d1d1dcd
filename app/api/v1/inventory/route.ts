import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { listInventory, parseInventoryListQuery } from "@/lib/inventory/inventory-list";

/** I-013 appendix A: the device asset list, paged, filtered by farm, type, stock, warranty status and storage location. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = parseInventoryListQuery(searchParamsToObject(new URL(request.url).searchParams));
    return listInventory(getDb(), actor, query);
  },
  { permission: "devices.read" },
);
