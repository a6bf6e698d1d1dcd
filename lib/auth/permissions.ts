/**
 * Who may do what, in one table. Pages hide buttons with `can()`, but the server checks the same
 * table in every server action and route handler (lib/actions, lib/api), so a forged request from a
 * viewer is refused whatever the browser shows.
 */
export const ROLES = ["admin", "manager", "technician", "viewer"] as const;
export type RoleName = (typeof ROLES)[number];

export const PERMISSIONS = [
  "devices.read",
  "devices.write",
  "devices.provision",
  "devices.import",
  "devices.command",
  /** A device's own configuration: edit, roll back. */
  "config.write",
  /** Farm and group configuration layers, health thresholds and configuration campaigns. */
  "config.manage",
  "firmware.read",
  "firmware.write",
  "firmware.publish",
  "ota.read",
  "ota.schedule",
  "ota.approve",
  "alerts.read",
  "alerts.manage",
  "groups.write",
  /** Doing maintenance: start, record and finish work, attach files, record calibrations. */
  "maintenance.write",
  /** Planning maintenance: plans, assigning, rescheduling and cancelling work. */
  "maintenance.plan",
  /** Asset records, warranty claims and extensions, storage locations. */
  "assets.manage",
  /** Moving devices between farms: reaches two farms, so only an account of every farm (admin). */
  "inventory.transfer",
  /** The cost reports and forecast. */
  "costs.read",
  /** A farm's unit prices for the cost reports. */
  "costs.manage",
  /** Creating farms and editing their details (name, code, address, location, time zone, alert timings): admins of every farm. */
  "farms.manage",
  /** The Outbox: the mails the local catcher kept, every farm's (admins of every farm). */
  "outbox.read",
  "users.manage",
  /** Lifting the sign-in and device-claim delays that failures caused. */
  "throttles.clear",
  "apikeys.manage",
  "audit.read",
  /** The audit log screen and API: every recorded event (admins) or their farm's (managers). */
  "audit.browse",
  /** A farm's notification rules, channels, on-call list and escalation timing; the delivery log. */
  "notifications.manage",
  /** Sharing a saved list view with a farm (lib/list-views): managers and admins. */
  "views.share",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["devices.read", "firmware.read", "ota.read", "alerts.read", "audit.read"];
const TECHNICIAN: Permission[] = [...READ, "devices.write", "devices.provision", "devices.command", "config.write", "alerts.manage", "maintenance.write"];
const MANAGER: Permission[] = [...TECHNICIAN, "groups.write", "config.manage", "ota.schedule", "ota.approve", "maintenance.plan", "assets.manage", "costs.read", "costs.manage", "audit.browse", "notifications.manage", "views.share"];

export const ROLE_PERMISSIONS: Record<RoleName, ReadonlySet<Permission>> = {
  viewer: new Set(READ),
  technician: new Set(TECHNICIAN),
  manager: new Set(MANAGER),
  admin: new Set(PERMISSIONS),
};

export const ROLE_LABEL: Record<RoleName, string> = {
  admin: "Admin",
  manager: "Farm manager",
  technician: "Technician",
  viewer: "Viewer",
};

export function can(role: RoleName, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Someone acting on the system: a signed-in person or an API key. */
export type Actor = {
  kind: "user" | "api_key";
  id: number;
  /** e-mail for people, "api-key:<prefix>" for keys: what the change history shows. */
  label: string;
  name: string;
  role: RoleName;
  /** The one farm this person or key is bound to, whatever the role; null = every farm. */
  farmId: number | null;
  /** Where the request came from, for the audit log (set where the actor is resolved). */
  ip?: string;
  /** How they came in: a browser session or an API key. */
  via?: "session" | "api_key";
  /** The API key's prefix, or the first 8 characters of the session id: which credential acted. */
  credential?: string;
  /** People only: the language (users.locale) and time zone (users.timezone) they chose. */
  locale?: string;
  timezone?: string | null;
};

/**
 * The farms an actor may touch: null means all of them. A farm binding holds for every role: an
 * admin key made for one farm reads and writes that farm only, as the key list says.
 */
export function farmScope(actor: Pick<Actor, "farmId" | "role">): number | null {
  return actor.farmId;
}

/**
 * What every farm shares (the firmware catalogue, people, API keys): changing it reaches other
 * farms, so a farm binding leaves no room for it, whatever the role.
 */
const EVERY_FARM: ReadonlySet<Permission> = new Set(["firmware.write", "firmware.publish", "users.manage", "apikeys.manage", "inventory.transfer", "farms.manage", "outbox.read"]);

/** Why the actor may not use `permission`, or null if they may: the role, then the farm binding. */
export function permissionRefusal(actor: Pick<Actor, "kind" | "role" | "farmId">, permission: Permission): string | null {
  if (!can(actor.role, permission)) return `Your role (${actor.role}) does not allow ${permission}.`;
  if (EVERY_FARM.has(permission) && farmScope(actor) !== null) {
    return actor.kind === "api_key"
      ? `This key is bound to one farm; ${permission} changes what every farm shares, which takes a key of every farm.`
      : `You are bound to one farm; ${permission} changes what every farm shares, which takes an account of every farm.`;
  }
  return null;
}

export function allows(actor: Pick<Actor, "kind" | "role" | "farmId">, permission: Permission): boolean {
  return permissionRefusal(actor, permission) === null;
}
