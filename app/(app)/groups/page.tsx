import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { selectedFarmId } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Groups & tags" };
export const dynamic = "force-dynamic";

export default async function GroupsPage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const db = getDb();
  const [groups, tags] = await Promise.all([
    db.deviceGroup.findMany({
      where: farmId ? { OR: [{ farmId }, { farmId: null }] } : undefined,
      orderBy: [{ sequence: "asc" }, { name: "asc" }],
      select: { id: true, name: true, code: true, parentId: true, deviceTypeFilter: true, farm: { select: { code: true } }, _count: { select: { devices: true } } },
    }),
    db.deviceTag.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, _count: { select: { devices: true } } } }),
  ]);
  const roots = groups.filter((group) => group.parentId === null || !groups.some((g) => g.id === group.parentId));
  const childrenOf = (id: number) => groups.filter((group) => group.parentId === id);

  const renderGroup = (group: (typeof groups)[number], depth: number): React.ReactNode => (
    <li key={group.id}>
      <div className="flex items-center justify-between gap-2 py-2 text-sm" style={{ paddingLeft: depth * 20 }}>
        <span className="min-w-0">
          <span className="font-medium">{group.name}</span> <span className="font-mono text-xs text-stone-500">{group.code}</span>
          <span className="ml-2 text-xs text-stone-500">{group.farm?.code ?? "cross-farm"} · {group.deviceTypeFilter ? DEVICE_TYPE_LABEL[group.deviceTypeFilter] : "all types"}</span>
        </span>
        <span className="shrink-0 text-xs text-stone-600 tabular-nums">{group._count.devices} devices</span>
      </div>
      {childrenOf(group.id).length ? <ul>{childrenOf(group.id).map((child) => renderGroup(child, depth + 1))}</ul> : null}
    </li>
  );

  return (
    <>
      <PageHeader title="Groups & tags" description="How devices are organised: a tree of groups per farm, and free tags." />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Groups" className="lg:col-span-2">
          {groups.length === 0 ? <p className="text-sm text-stone-600">No groups yet.</p> : <ul className="divide-y divide-stone-100">{roots.map((group) => renderGroup(group, 0))}</ul>}
        </Card>
        <Card title="Tags">
          {tags.length === 0 ? (
            <p className="text-sm text-stone-600">No tags yet.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {tags.map((tag) => (
                <li key={tag.id} className="flex justify-between">
                  <span className="rounded-full bg-stone-100 px-2 py-0.5">{tag.name}</span>
                  <span className="text-stone-600 tabular-nums">{tag._count.devices}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <div className="mt-4">
        <EmptyState title="Editing groups and tags" notBuilt>
          Creating and editing groups (parent, type filter, health-check interval, offline alert threshold), online counts and tag colours arrive with the device registry work.
        </EmptyState>
      </div>
    </>
  );
}
