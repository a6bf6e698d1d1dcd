/**
 * The audit log of the demo (issue 18), so /admin/audit shows something true on a fresh start: three
 * weeks of the kind of changes the demo people make — the manager renaming and re-locating a milk
 * meter from the farm office, the technician's work from the barn tablet, the admin's key and role
 * changes, an ERP integration's API key, the worker's first-contact activations — each with the
 * role, address and session or key it came through, as lib/audit/record.ts writes them. The farm is
 * filled by the database trigger, as for every writer. Written after the fleet of seed.ts exists.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../lib/db";

type Demo = {
  daysAgo: number;
  who: "admin" | "manager" | "tech" | "key" | "worker";
  entityType: string;
  entityId: string;
  action: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

const PEOPLE = {
  admin: { email: "admin@smartdairy.example", role: "admin", ip: "10.20.0.14", session: "Hk3vQ9aZ" },
  manager: { email: "manager@smartdairy.example", role: "manager", ip: "192.168.10.23", session: "p7YtR2cM" },
  tech: { email: "tech@smartdairy.example", role: "technician", ip: "192.168.10.61", session: "Zq81LbWe" },
} as const;
const KEY = { prefix: "sdm_erpDemo", role: "manager", ip: "203.0.113.40" };

export async function seedDemoAudit(db: Db): Promise<number> {
  const users = new Map((await db.user.findMany({ select: { id: true, email: true } })).map((user) => [user.email, user.id]));
  const devices = await db.device.findMany({ where: { deviceId: { in: ["MM001", "MM002", "TS001", "GW001", "AC101", "ES001"] } }, select: { deviceId: true } });
  const has = new Set(devices.map((device) => device.deviceId));
  const farm = await db.farm.findFirst({ where: { code: "GVD" }, select: { id: true } });
  const tech = users.get(PEOPLE.tech.email);
  const events: Demo[] = [
    { daysAgo: 20, who: "worker", entityType: "device", entityId: "MM001", action: "activated", before: { state: "provisioned" }, after: { state: "active", reason: "first contact" } },
    { daysAgo: 20, who: "worker", entityType: "device", entityId: "MM002", action: "activated", before: { state: "provisioned" }, after: { state: "active", reason: "first contact" } },
    { daysAgo: 18, who: "worker", entityType: "device", entityId: "AC101", action: "activated", before: { state: "provisioned" }, after: { state: "active", reason: "first contact" } },
    { daysAgo: 14, who: "admin", entityType: "api_key", entityId: "1", action: "created", after: { name: "ERP integration", role: "manager", farm: "Green Valley Dairy" } },
    { daysAgo: 12, who: "manager", entityType: "device", entityId: "MM001", action: "updated", before: { name: "Milk meter 1", location: "Parlour" }, after: { name: "Parlour meter stall 1", location: "Parlour, stall 1" } },
    { daysAgo: 9, who: "key", entityType: "device", entityId: "TS001", action: "updated", before: { serialNumber: null }, after: { serialNumber: "TT20-88411" } },
    { daysAgo: 7, who: "tech", entityType: "device", entityId: "GW001", action: "command_sent", after: { command: "reboot", parameters: {} } },
    ...(tech && farm ? [{ daysAgo: 5, who: "admin" as const, entityType: "user", entityId: String(tech), action: "role_changed", before: { role: "viewer" }, after: { role: "technician" } }] : []),
    { daysAgo: 3, who: "tech", entityType: "device", entityId: "ES001", action: "maintenance_on", before: { maintenanceMode: false, state: "active" }, after: { maintenanceMode: true, state: "maintenance" } },
    { daysAgo: 3, who: "tech", entityType: "device", entityId: "ES001", action: "maintenance_off", before: { maintenanceMode: true, state: "maintenance" }, after: { maintenanceMode: false, state: "active" } },
    { daysAgo: 1, who: "manager", entityType: "device", entityId: "MM002", action: "updated", before: { tags: ["parlour"] }, after: { tags: ["parlour", "pilot-firmware"] } },
  ];
  let written = 0;
  for (const event of events) {
    if (event.entityType === "device" && !has.has(event.entityId)) continue;
    const createdAt = new Date(Date.now() - event.daysAgo * 86_400_000 - written * 3_600_000);
    const who =
      event.who === "worker"
        ? { actorId: null, actorLabel: "worker", via: "worker" }
        : event.who === "key"
          ? { actorId: null, actorLabel: `api-key:${KEY.prefix}`, actorRole: KEY.role, ip: KEY.ip, via: "api_key", credential: KEY.prefix }
          : { actorId: users.get(PEOPLE[event.who].email) ?? null, actorLabel: PEOPLE[event.who].email, actorRole: PEOPLE[event.who].role, ip: PEOPLE[event.who].ip, via: "session", credential: PEOPLE[event.who].session };
    await db.auditEvent.create({ data: { ...who, entityType: event.entityType, entityId: event.entityId, action: event.action, before: event.before, after: event.after, createdAt } });
    written++;
  }
  return written;
}
