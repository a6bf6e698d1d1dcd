/**
 * Everything the device page and `GET /api/v1/devices/{id}` show about one device, with the
 * counts of its smart buttons (alerts, updates, maintenance, commands).
 */
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import type { Db } from "../db";
import { NotFoundError } from "../errors";

export async function getDeviceDetail(db: Db, actor: Actor, deviceId: string) {
  const device = await db.device.findUnique({
    where: { deviceId },
    include: {
      farm: { select: { id: true, code: true, name: true, timezone: true } },
      group: { select: { id: true, code: true, name: true, healthCheckInterval: true } },
      tags: { select: { tag: { select: { id: true, name: true, color: true } } }, orderBy: { tag: { name: "asc" } } },
      firmware: { select: { id: true, version: true, name: true, state: true } },
      targetFirmware: { select: { id: true, version: true, name: true } },
      provisionedBy: { select: { name: true, email: true } },
      credentials: { select: { username: true, clientId: true, createdAt: true, revokedAt: true } },
    },
  });
  const scope = farmScope(actor);
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError(`Device ${deviceId} not found.`);
  const [activeAlerts, updates, maintenances, commands] = await Promise.all([
    db.alert.count({ where: { deviceId: device.id, state: { not: "resolved" } } }),
    db.updateLog.count({ where: { deviceId: device.id } }),
    db.maintenance.count({ where: { deviceId: device.id } }),
    db.command.count({ where: { deviceId: device.id } }),
  ]);
  const { tags, ...rest } = device;
  return { ...rest, tags: tags.map((link) => link.tag), counts: { activeAlerts, updates, maintenances, commands } };
}

export type DeviceDetail = Awaited<ReturnType<typeof getDeviceDetail>>;
