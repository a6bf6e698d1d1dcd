import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { allows, can, farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { countOpenAlerts } from "@/lib/alerts/alert-list";
import { getDb } from "@/lib/db";
import { Providers } from "@/components/providers";
import { pinnedViews } from "@/lib/list-views/saved-views";

/** The authenticated shell: one layout for every page of the app. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  // Each page holds an admin without two-factor at /profile/security (REQUIRE_ADMIN_TOTP); the shell itself does not.
  const actor = await requirePageActor(undefined, { twoFactorSetup: true });
  const [farms, farmId] = await Promise.all([visibleFarms(actor), selectedFarmId(actor)]);
  const [alerts, favourites] = await Promise.all([can(actor.role, "alerts.read") ? countOpenAlerts(getDb(), actor, farmId) : { critical: 0, warning: 0 }, pinnedViews(getDb(), actor)]);
  const tRole = await getTranslations("enums.role");
  const items = NAV_ITEMS.filter((item) => !item.permission || allows(actor, item.permission));
  return (
    <Providers>
      <AppShell items={items} user={{ name: actor.name, email: actor.label, roleLabel: tRole(actor.role) }} farms={farms} selectedFarmId={farmId} farmLocked={farmScope(actor) !== null} openAlerts={{ count: alerts.critical + alerts.warning, critical: alerts.critical }} favourites={favourites}>
        {children}
      </AppShell>
    </Providers>
  );
}
