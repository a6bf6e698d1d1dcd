import type { ReactNode } from "react";
import { InventoryTabs } from "@/components/inventory/inventory-tabs";
import { requirePageActor } from "@/lib/auth/session";

/** The Warranty & inventory area: its tabs above every page of it; each page names itself in its one h1. */
export default async function InventoryLayout({ children }: { children: ReactNode }) {
  await requirePageActor("devices.read");
  return (
    <div>
      <InventoryTabs />
      {children}
    </div>
  );
}
