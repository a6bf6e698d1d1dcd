import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { createApiKey, createApiKeySchema } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db";

export const GET = withApi(
  async () => {
    const keys = await getDb().apiKey.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, name: true, prefix: true, role: true, farmId: true, createdAt: true, lastUsedAt: true, revokedAt: true } });
    return { data: keys, total: keys.length };
  },
  { permission: "apikeys.manage" },
);

export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, createApiKeySchema);
    const { key, record } = await createApiKey(getDb(), actor, input);
    return NextResponse.json({ id: record.id, name: record.name, role: record.role, prefix: record.prefix, key }, { status: 201 });
  },
  { permission: "apikeys.manage" },
);
