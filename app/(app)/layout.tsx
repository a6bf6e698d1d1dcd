import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { allows, can, farmScope, ROLE_LABEL } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { countOpenAlerts } from "@/lib/alerts/alert-list";
import { getDb } from "@/lib/db";
import { Providers } from "@/components/providers";

/** The authenticated shell: one layout for every page of the app. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  const [farms, farmId] = await Promise.all([visibleFarms(actor), selectedFarmId(actor)]);
  const alerts = can(actor.role, "alerts.read") ? await countOpenAlerts(getDb(), actor, farmId) : { critical: 0, warning: 0 };
  const items = NAV_ITEMS.filter((item) => !item.permission || allows(actor, item.permission));
  return (
    <Providers>
      <AppShell items={items} user={{ name: actor.name, email: actor.label, roleLabel: ROLE_LABEL[actor.role] }} farms={farms} selectedFarmId={farmId} farmLocked={farmScope(actor) !== null} openAlerts={{ count: alerts.critical + alerts.warning, critical: alerts.critical }}>
        {children}
      </AppShell>
    </Providers>
  );
}
