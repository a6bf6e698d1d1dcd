import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { createChannel, listChannels } from "@/lib/notifications/channels";
import { parseInput } from "@/lib/notifications/notification-access";
import { channelListQuerySchema } from "@/lib/notifications/notification-schemas";

export const dynamic = "force-dynamic";

/** The channels a farm may use (its own and shared ones); webhook URLs only as their host. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = parseInput(channelListQuerySchema, searchParamsToObject(new URL(request.url).searchParams));
    const data = await listChannels(getDb(), actor, { farmId: query.farm ?? null });
    return { data, total: data.length };
  },
  { permission: "notifications.manage" },
);

/** A channel; a signing secret asked for is in this answer only. An SSRF target is a 400 on `url`. */
export const POST = withApi(
  async ({ request, actor }) => {
    const saved = await createChannel(getDb(), actor, await readJson(request, z.unknown()));
    return NextResponse.json(saved, { status: 201, headers: { location: `/api/v1/notification-channels/${saved.channel.id}` } });
  },
  { permission: "notifications.manage" },
);
