import type { Metadata } from "next";
import { GroupForm } from "@/components/groups/group-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { HEALTH_CHECK_INTERVAL } from "@/lib/groups/group-schemas";
import { listGroupOptions } from "@/lib/groups/groups";
import { parentOptions } from "@/components/groups/parent-options";

export const metadata: Metadata = { title: "New group" };
export const dynamic = "force-dynamic";

export default async function NewGroupPage({ searchParams }: { searchParams: Promise<{ parent?: string }> }) {
  const actor = await requirePageActor("groups.write");
  const db = getDb();
  const [farms, groups, selected] = await Promise.all([visibleFarms(actor), listGroupOptions(db, actor), selectedFarmId(actor)]);
  const scope = farmScope(actor);
  // "+ Sub-group" on a row opens this form with that group as parent, and its farm when it has one.
  const parentParam = (await searchParams).parent;
  const parent = groups.find((group) => String(group.id) === parentParam);
  const farmId = scope ?? parent?.farmId ?? selected;

  return (
    <>
      <PageHeader title="New group" description={parent ? `A sub-group of “${parent.name}”.` : "Gather devices by place or purpose, with their own health-check settings."} />
      <Card className="max-w-3xl">
        <GroupForm
          values={{ name: "", code: "", description: "", farmId, parentId: parent?.id ?? null, deviceTypeFilter: "", healthCheckInterval: HEALTH_CHECK_INTERVAL.default, offlineAlertThreshold: 1, sequence: 10, color: 0, active: true }}
          farms={farms}
          allowCrossFarm={scope === null}
          parents={parentOptions(groups)}
        />
      </Card>
    </>
  );
}
