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
  "firmware.read",
  "firmware.write",
  "firmware.publish",
  "ota.read",
  "ota.schedule",
  "ota.approve",
  "alerts.read",
  "alerts.manage",
  "groups.write",
  "maintenance.write",
  "users.manage",
  /** Lifting the sign-in and device-claim delays that failures caused. */
  "throttles.clear",
  "apikeys.manage",
  "audit.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["devices.read", "firmware.read", "ota.read", "alerts.read", "audit.read"];
const TECHNICIAN: Permission[] = [...READ, "devices.write", "devices.provision", "devices.command", "alerts.manage", "maintenance.write"];
const MANAGER: Permission[] = [...TECHNICIAN, "groups.write", "ota.schedule", "ota.approve"];

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
  /** Managers and technicians are scoped to one farm; null = every farm. */
  farmId: number | null;
};

/** The farms an actor may touch: null means all of them. */
export function farmScope(actor: Pick<Actor, "farmId" | "role">): number | null {
  return actor.role === "admin" ? null : actor.farmId;
}
