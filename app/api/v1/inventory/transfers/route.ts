import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { fieldErrorsFromIssues, InvalidError } from "@/lib/errors";
import { transferListQuerySchema, transferSchema } from "@/lib/inventory/inventory-schemas";
import { listTransfers, transferDevices } from "@/lib/inventory/transfers";

/** The transfer history, newest first (from or to `farm`). */
export const GET = withApi(
  async ({ request, actor }) => {
    const parsed = transferListQuerySchema.safeParse(searchParamsToObject(new URL(request.url).searchParams));
    if (!parsed.success) throw new InvalidError("The transfer query is not valid.", fieldErrorsFromIssues(parsed.error.issues));
    return listTransfers(getDb(), actor, parsed.data);
  },
  { permission: "devices.read" },
);

/** I-013 `transfer_device`: moves devices to another farm, all or nothing. */
export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, transferSchema);
    return NextResponse.json(await transferDevices(getDb(), actor, input), { status: 201 });
  },
  { permission: "inventory.transfer" },
);
