import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteGroupButton } from "@/components/groups/delete-group-button";
import { GroupForm } from "@/components/groups/group-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ConfigLayerPanel } from "@/components/configuration/config-layer-panel";
import { can, farmScope } from "@/lib/auth/permissions";
import { chosenType, groupTypesForConfig } from "@/lib/configuration/config-places";
import { getLayer } from "@/lib/configuration/layer-service";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { visibleFarms } from "@/lib/farms/farm-scope";
import { groupWriteRefusal } from "@/lib/groups/group-rules";
import { groupIdSchema } from "@/lib/groups/group-schemas";
import { getGroup, listGroupOptions } from "@/lib/groups/groups";
import { parentOptions } from "@/components/groups/parent-options";

export const metadata: Metadata = { title: "Edit group" };
export const dynamic = "force-dynamic";

async function findGroup(...args: Parameters<typeof getGroup>) {
  try {
    return await getGroup(...args);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export default async function EditGroupPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ type?: string | string[] }> }) {
  const actor = await requirePageActor("groups.write");
  const id = groupIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const db = getDb();
  const [group, farms, groups] = await Promise.all([findGroup(db, actor, id.data), visibleFarms(actor), listGroupOptions(db, actor)]);
  const scope = farmScope(actor);
  const refusal = groupWriteRefusal(scope, group.farmId);
  // the group's override editor: settings and health limits its devices inherit, per device type
  const mayConfigure = !refusal && can(actor.role, "config.manage");
  const config = mayConfigure ? await groupTypesForConfig(db, group.id, group.deviceTypeFilter) : null;
  const configType = config ? chosenType((await searchParams).type, config.types) : null;
  const layer = config && configType ? await getLayer(db, actor, "group", group.id, configType) : null;
  const summary = `${group.deviceCount} device${group.deviceCount === 1 ? "" : "s"}, ${group.onlineCount} online`;

  return (
    <>
      <PageHeader
        title={`Edit “${group.name}”`}
        description={`${group.code} · ${group.farm?.name ?? "Cross-farm"} · ${summary}`}
        actions={
          <Link href={`/devices?group=${group.id}`} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm text-brand-800 hover:bg-stone-50">
            View devices
          </Link>
        }
      />
      {refusal ? (
        <EmptyState title="You cannot change this group">{refusal}</EmptyState>
      ) : (
        <div className="max-w-3xl space-y-4">
          <Card>
            <GroupForm
              values={{
                id: group.id,
                name: group.name,
                code: group.code,
                description: group.description ?? "",
                farmId: group.farmId,
                parentId: group.parentId,
                deviceTypeFilter: group.deviceTypeFilter ?? "",
                healthCheckInterval: group.healthCheckInterval,
                offlineAlertThreshold: group.offlineAlertThreshold,
                sequence: group.sequence,
                color: group.color,
                active: group.active,
              }}
              farms={farms}
              allowCrossFarm={scope === null}
              parents={parentOptions(groups, group.id)}
            />
          </Card>
          {config && configType && layer ? (
            <ConfigLayerPanel types={config.types} selected={configType} layer={layer} configured={config.configured} canManage hrefFor={(type) => `/groups/${group.id}/edit?type=${type}#configuration`} />
          ) : null}
          <Card title="Delete this group">
            <p className="mb-3 text-sm text-stone-600">Only an empty group can be deleted: move its devices and sub-groups elsewhere first.</p>
            <div className="flex flex-wrap items-center gap-2">
              <DeleteGroupButton id={group.id} name={group.name} afterDelete="/groups" />
            </div>
          </Card>
        </div>
      )}
    </>
  );
}
