/**
 * What "in stock" means, once: a device that exists in the registry but is not in use yet, i.e. a
 * spare on a shelf. It is in a pre-use lifecycle state (manufactured, provisioned or registered)
 * and has never connected (`last_seen IS NULL`: the ingest sets last_seen on a device's first
 * message). The inventory list, the Stock tab, the devices list's `stock` filter, the transfer form
 * and the inventory report all use this.
 *
 * Why not "never provisioned": registering a device through the app (the form, the API, the CSV
 * import) stamps its provisioning date, so 20 spare collars imported from a CSV with a storage
 * location would never count as stock. Whether a device has ever spoken is what tells a spare from
 * a deployed device.
 *
 * Why `provisioned` belongs: in the lifecycle (lib/devices/lifecycle.ts) the main path is
 * manufactured → provisioned → registered → active. Provisioned sits before registered: the
 * device's credentials were issued, but it has not been registered on a farm's network nor sent
 * anything. A device with credentials that never spoke is still on the shelf. `active`,
 * `maintenance`, `suspended` and `decommissioned` are never stock, whatever last_seen says.
 */
import type { Prisma } from "@prisma/client";

export const STOCK_STATES = ["manufactured", "provisioned", "registered"] as const;

export function stockWhere(inStock: boolean): Prisma.DeviceWhereInput {
  const spare: Prisma.DeviceWhereInput = { state: { in: [...STOCK_STATES] }, lastSeen: null };
  return inStock ? spare : { NOT: spare };
}

/** The same rule as SQL on the devices table (alias `d`). */
export const STOCK_SQL = `(d.state IN ('manufactured', 'provisioned', 'registered') AND d.last_seen IS NULL)`;

/**
 * The complement of STOCK_SQL among devices that are not in maintenance, suspended or retired:
 * active devices, and pre-use devices that have already reported (deployed, state not moved on yet).
 */
export const IN_USE_SQL = `(d.state = 'active' OR (d.state IN ('manufactured', 'provisioned', 'registered') AND d.last_seen IS NOT NULL))`;

export function isInStock(device: { state: string; lastSeen: Date | null }): boolean {
  return (STOCK_STATES as readonly string[]).includes(device.state) && device.lastSeen === null;
}
