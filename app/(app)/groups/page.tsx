import type { Metadata } from "next";
import Link from "next/link";
import { GroupTree, type GroupTreeRow } from "@/components/groups/group-tree";
import { TagPanel } from "@/components/tags/tag-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can, farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { groupWriteRefusal, orderAsTree } from "@/lib/groups/group-rules";
import { listGroups, type GroupSummary } from "@/lib/groups/groups";
import { listTags } from "@/lib/tags/tags";

export const metadata: Metadata = { title: "Groups & tags" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

export default async function GroupsPage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const db = getDb();
  // Three queries in all: the groups, one aggregate of their devices, the tags with their counts.
  const [groups, tags] = await Promise.all([listGroups(db, actor, { farmId }), listTags(db, actor, { farmId })]);
  const canWrite = can(actor.role, "groups.write");
  const scope = farmScope(actor);
  const row = (group: GroupSummary): GroupTreeRow => ({
    id: group.id,
    parentId: group.parentId,
    name: group.name,
    code: group.code,
    farmCode: group.farm?.code ?? null,
    farmName: group.farm?.name ?? null,
    typeLabel: group.deviceTypeFilter ? DEVICE_TYPE_LABEL[group.deviceTypeFilter] : null,
    color: group.color,
    active: group.active,
    deviceCount: group.deviceCount,
    onlineCount: group.onlineCount,
    subtreeDeviceCount: group.subtreeDeviceCount,
    subtreeOnlineCount: group.subtreeOnlineCount,
    healthCheckInterval: group.healthCheckInterval,
    offlineAlertThreshold: group.offlineAlertThreshold,
    canEdit: canWrite && groupWriteRefusal(scope, group.farmId) === null,
    canAddChild: canWrite,
  });

  return (
    <>
      <PageHeader
        title="Groups & tags"
        description="How devices are organised: a tree of groups per farm or across farms, each with its health-check settings, and free tags."
        actions={
          canWrite ? (
            <Link href="/groups/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
              New group
            </Link>
          ) : null
        }
      />
      <div className="grid items-start gap-4 lg:grid-cols-3">
        <Card title={`Groups (${groups.length})`} className="lg:col-span-2">
          {groups.length === 0 ? (
            <EmptyState title="No groups yet">
              Groups gather devices by place or purpose — the milking parlour&apos;s meters, the herd&apos;s collars — and set how often they are checked.
              {canWrite ? (
                <>
                  {" "}
                  <Link href="/groups/new" className="font-medium text-brand-800 underline">
                    Create the first group
                  </Link>
                  .
                </>
              ) : null}
            </EmptyState>
          ) : (
            <GroupTree rows={orderAsTree(groups).map(({ group }) => row(group))} />
          )}
        </Card>
        <Card title={`Tags (${tags.length})`}>
          <TagPanel tags={tags.map(({ id, name, color, deviceCount, editable, shared }) => ({ id, name, color, deviceCount, editable, shared }))} canWrite={canWrite} />
        </Card>
      </div>
    </>
  );
}
