import type { ReactNode } from "react";
import { InventoryTabs } from "@/components/inventory/inventory-tabs";
import { requirePageActor } from "@/lib/auth/session";

/** The Warranty & inventory area: its tabs above every page of it. */
export default async function InventoryLayout({ children }: { children: ReactNode }) {
  await requirePageActor("devices.read");
  return (
    <div>
      <h1 className="sr-only">Warranty and inventory</h1>
      <InventoryTabs />
      {children}
    </div>
  );
}
