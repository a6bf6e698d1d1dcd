/**
 * What "in stock" means, once: a device that exists in the registry (registered, or only
 * manufactured) but was never provisioned onto a farm's network, i.e. a spare on a shelf. The
 * inventory list, the Stock tab, the devices list's `stock` filter and the inventory report use it.
 */
import type { Prisma } from "@prisma/client";

export const STOCK_STATES = ["registered", "manufactured"] as const;

export function stockWhere(inStock: boolean): Prisma.DeviceWhereInput {
  const spare: Prisma.DeviceWhereInput = { state: { in: [...STOCK_STATES] }, provisioningDate: null };
  return inStock ? spare : { NOT: spare };
}

/** The same rule as SQL on the devices table (alias `d`). */
export const STOCK_SQL = `(d.state IN ('registered', 'manufactured') AND d.provisioning_date IS NULL)`;

export function isInStock(device: { state: string; provisioningDate: Date | null }): boolean {
  return (STOCK_STATES as readonly string[]).includes(device.state) && device.provisioningDate === null;
}
