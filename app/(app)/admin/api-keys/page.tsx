import type { Metadata } from "next";
import { CreateApiKeyForm, RevokeApiKeyButton } from "@/components/admin/api-key-forms";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABEL, type RoleName } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  await requirePageActor("apikeys.manage");
  const db = getDb();
  const [keys, farms] = await Promise.all([
    db.apiKey.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, name: true, prefix: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true, farmId: true, createdBy: { select: { name: true } } } }),
    db.farm.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  const farmName = new Map(farms.map((farm) => [farm.id, farm.name]));
  return (
    <>
      <PageHeader title="API keys" description="Keys for integrations calling /api/v1 (header X-API-Key or Authorization: Bearer). A key is shown once; we keep only its hash." />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="New key">
          <CreateApiKeyForm farms={farms} />
        </Card>
        <Card title="Keys" className="lg:col-span-2">
          {keys.length === 0 ? (
            <p className="text-sm text-stone-600">No API keys yet.</p>
          ) : (
            <ul className="divide-y divide-stone-100">
              {keys.map((key) => (
                <li key={key.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span className="min-w-0">
                    <span className="font-medium">{key.name}</span> <span className="font-mono text-xs text-stone-500">{key.prefix}…</span>
                    <span className="block text-xs text-stone-500">
                      {ROLE_LABEL[key.role as RoleName]} · {key.farmId === null ? "all farms" : `${farmName.get(key.farmId) ?? "a removed farm"} only`} · by {key.createdBy.name} · {key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never used"}
                    </span>
                  </span>
                  {key.revokedAt ? <span className="text-xs font-medium text-red-700">Revoked</span> : <RevokeApiKeyButton id={key.id} name={key.name} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
