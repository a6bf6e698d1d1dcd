import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { parseInput } from "@/lib/notifications/notification-access";
import { ruleListQuerySchema } from "@/lib/notifications/notification-schemas";
import { createRule, listRules } from "@/lib/notifications/rules";

export const dynamic = "force-dynamic";

export const GET = withApi(
  async ({ request, actor }) => {
    const query = parseInput(ruleListQuerySchema, searchParamsToObject(new URL(request.url).searchParams));
    const data = await listRules(getDb(), actor, { farmId: query.farm ?? null });
    return { data, total: data.length };
  },
  { permission: "notifications.manage" },
);

/** A rule; people who cannot see the farm, or another farm's channels, are a 400 on their field. */
export const POST = withApi(
  async ({ request, actor }) => {
    const rule = await createRule(getDb(), actor, await readJson(request, z.unknown()));
    return NextResponse.json(rule, { status: 201, headers: { location: `/api/v1/notification-rules/${rule.id}` } });
  },
  { permission: "notifications.manage" },
);
