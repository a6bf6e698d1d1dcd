/**
 * The dashboard's lists on a real PostgreSQL: open alerts (most severe first, farm-scoped, group
 * alerts included), "since yesterday" events, the map's devices and the running updates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTO_RESOLVED_PREFIX } from "../alerts/alert-fields";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { openAlertsFeed, recentEvents } from "./dashboard-feed";
import { deviceMapData } from "./device-map";
import { fleetSummary } from "./fleet-summary";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const id = (prefix: string, n: number) => `${prefix}${base + n}`;
const [BACK, SILENT, EDITED, NO_PLACE, OTHER, OLD_SILENT] = [id("AC", 1), id("AC", 2), id("MM", 3), id("TS", 4), id("FD", 5), id("AC", 6)];
const admin: Actor = { kind: "user", id: 0, label: "admin@test.example", name: "Admin", role: "admin", farmId: null };

let farmA: number;
let farmB: number;
let groupId: number;
const dbId = new Map<string, number>();
// Two days back: the "since yesterday" window then holds only this file's rows, not the events
// other test files write at the same time into the shared database.
const now = new Date(Date.now() - 2 * 86_400_000);
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

beforeAll(async () => {
  farmA = (await db.farm.create({ data: { code: `DBA${suffix}`, name: `Dash A ${suffix}` } })).id;
  farmB = (await db.farm.create({ data: { code: `DBB${suffix}`, name: `Dash B ${suffix}` } })).id;
  groupId = (await db.deviceGroup.create({ data: { code: `DB-G-${suffix}`, name: "Parlour", farmId: farmA } })).id;
  await db.device.createMany({
    data: [
      { deviceId: BACK, name: "Came back", deviceType: "collar", farmId: farmA, state: "active", healthStatus: "healthy", connectionStatus: "online", lastSeen: ago(1), latitude: 52.1, longitude: 5.1 },
      { deviceId: SILENT, name: "Silent", deviceType: "collar", farmId: farmA, state: "active", healthStatus: "critical", needsAttention: true, connectionStatus: "offline", lastSeen: ago(120), latitude: 52.1, longitude: 5.1 },
      { deviceId: EDITED, name: "Edited", deviceType: "milk_meter", farmId: farmA, state: "active", latitude: 52.2, longitude: 5.3 },
      { deviceId: NO_PLACE, name: "Nowhere", deviceType: "temperature", farmId: farmA, state: "active", latitude: 0, longitude: 0 },
      { deviceId: OTHER, name: "Other farm", deviceType: "feeder", farmId: farmB, state: "active", connectionStatus: "offline", lastSeen: ago(30), latitude: 40, longitude: 1 },
      { deviceId: OLD_SILENT, name: "Silent for days", deviceType: "collar", farmId: farmA, state: "active", connectionStatus: "offline", lastSeen: ago(3 * 24 * 60) },
    ],
  });
  for (const row of await db.device.findMany({ where: { farmId: { in: [farmA, farmB] } }, select: { id: true, deviceId: true } })) dbId.set(row.deviceId, row.id);
  await db.alert.createMany({
    data: [
      { deviceId: dbId.get(BACK)!, alertType: "offline", severity: "critical", state: "resolved", firstOccurrence: ago(600), resolvedAt: ago(5), createdAt: ago(600), resolutionNotes: `${AUTO_RESOLVED_PREFIX}: reporting again` },
      { deviceId: dbId.get(SILENT)!, alertType: "low_battery", severity: "warning", firstOccurrence: ago(90), lastOccurrence: ago(10) },
      { deviceId: dbId.get(SILENT)!, alertType: "offline", severity: "critical", firstOccurrence: ago(100), lastOccurrence: ago(20) },
      { groupId, alertType: "group_offline", severity: "low", firstOccurrence: ago(50), lastOccurrence: ago(2) },
      { deviceId: dbId.get(OTHER)!, alertType: "offline", severity: "critical", firstOccurrence: ago(25) },
      { deviceId: dbId.get(EDITED)!, alertType: "high_errors", severity: "warning", state: "resolved", firstOccurrence: ago(3000), resolvedAt: ago(2000) },
    ],
  });
  await db.auditEvent.createMany({
    data: [
      { entityType: "device", entityId: EDITED, action: "updated", actorLabel: "tech@test.example", after: { name: "Edited", group: "Parlour" }, createdAt: ago(15) },
      { entityType: "device", entityId: EDITED, action: "created", actorLabel: "tech@test.example", createdAt: ago(3 * 24 * 60) },
      { entityType: "device", entityId: OTHER, action: "updated", actorLabel: "x@test.example", after: { name: "Other" }, createdAt: ago(3) },
    ],
  });
});

afterAll(async () => {
  await db.alert.deleteMany({ where: { OR: [{ groupId }, { deviceId: { in: [...dbId.values()] } }] } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: [...dbId.keys()] } } });
  await db.device.deleteMany({ where: { farmId: { in: [farmA, farmB] } } });
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await db.farm.deleteMany({ where: { id: { in: [farmA, farmB] } } });
  await disconnectDb();
});

describe("the open alerts feed", () => {
  it("lists a farm's unresolved device and group alerts, the most severe first", async () => {
    const feed = await openAlertsFeed(db, admin, farmA);
    expect(feed.map((alert) => [alert.alertType, alert.severity])).toEqual([
      ["offline", "critical"],
      ["low_battery", "warning"],
      ["group_offline", "low"],
    ]);
    expect(feed[0]!.device).toEqual({ deviceId: SILENT, name: "Silent" });
    expect(feed[2]!.group).toEqual({ code: `DB-G-${suffix}`, name: "Parlour" });
    expect((await openAlertsFeed(db, admin, farmB)).map((alert) => alert.device?.deviceId)).toEqual([OTHER]);
    expect(await openAlertsFeed(db, admin, farmA, 1)).toHaveLength(1);
  });
});

describe("since yesterday", () => {
  it("tells a farm what changed in the last day, newest first, and nothing of other farms or older", async () => {
    const events = await recentEvents(db, admin, farmA, now);
    expect(events.map((event) => [event.title, event.detail?.split(" ")[0]])).toEqual([
      ["Came back online", BACK], // 5 min ago
      [`${EDITED} Edited changed`, "Name,"], // 15 min ago
      ["Low battery alert raised", SILENT], // 90 min
      ["Device offline alert raised", SILENT], // 100 min
      ["Went silent", SILENT], // 120 min
      ["Device offline alert raised", BACK], // 600 min
    ]);
    expect(events[0]!.href).toMatch(/^\/alerts\/\d+$/);
    expect(events.find((event) => event.title === "Went silent")!.href).toBe(`/devices/${SILENT}`);
    const everywhere = await recentEvents(db, admin, null, now, 50);
    expect(everywhere.some((event) => event.detail?.startsWith(OTHER))).toBe(true);
    expect(everywhere.some((event) => event.detail?.startsWith(OLD_SILENT))).toBe(false);
  });
});

describe("the map and the headline numbers", () => {
  it("places devices with coordinates, counts the others, and spreads devices sharing a spot", async () => {
    const map = await deviceMapData(db, farmA);
    expect(map.devices.map((device) => device.deviceId).sort()).toEqual([BACK, EDITED, SILENT].sort());
    expect(map.withoutCoordinates).toBe(2);
    expect(map.devices.at(-1)).toMatchObject({ deviceId: SILENT, healthStatus: "critical", needsAttention: true }); // drawn on top
    const [back, silent] = [BACK, SILENT].map((deviceId) => map.devices.find((device) => device.deviceId === deviceId)!);
    expect(back!.position).not.toEqual(silent!.position);
    expect(back).toMatchObject({ latitude: 52.1, longitude: 5.1 });
    expect(map.notShown).toBe(0);
  });

  it("draws at most the limit, keeping the devices that need attention", async () => {
    const map = await deviceMapData(db, farmA, 1);
    expect(map.devices.map((device) => device.deviceId)).toEqual([SILENT]);
    expect(map).toMatchObject({ withoutCoordinates: 2, notShown: 2 });
  });

  it("tells the farm when an update job with 'notify on complete' finished or rolled back by itself, and only then", async () => {
    const firmware = await db.firmwareVersion.create({ data: { name: `FW ${suffix}`, version: `9.8.${base}`, deviceType: "collar" } });
    const job = (name: string, notifyOnComplete: boolean) =>
      db.updateJob.create({ data: { name, firmwareId: firmware.id, state: "completed", notifyOnComplete, scheduledAt: now, logs: { create: { deviceId: dbId.get(BACK)!, targetVersion: firmware.version } } } });
    const done = await job(`Done ${suffix}`, true);
    const rolled = await job(`Rolled ${suffix}`, true);
    const quiet = await job(`Quiet ${suffix}`, false);
    await db.auditEvent.createMany({
      data: [
        { entityType: "update_job", entityId: String(done.id), action: "completed", actorLabel: "worker", after: { summary: "1 of 1 devices updated" }, createdAt: ago(3) },
        { entityType: "update_job", entityId: String(rolled.id), action: "auto_rollback", actorLabel: "worker", after: { reason: "Automatic rollback in phase 1: 6 of 11 devices failed" }, createdAt: ago(2) },
        { entityType: "update_job", entityId: String(quiet.id), action: "completed", actorLabel: "worker", after: { summary: "x" }, createdAt: ago(1) },
      ],
    });
    try {
      const jobs = (await recentEvents(db, admin, farmA, now, 50)).filter((event) => event.kind === "update_job");
      expect(jobs).toEqual([
        expect.objectContaining({ title: `Update rolled back by itself: Rolled ${suffix}`, detail: "Automatic rollback in phase 1: 6 of 11 devices failed", href: `/updates/${rolled.id}`, tone: "bad" }),
        expect.objectContaining({ title: `Update finished: Done ${suffix}`, detail: "1 of 1 devices updated", href: `/updates/${done.id}`, tone: "good" }),
      ]);
      // Another farm's people do not hear of it.
      expect((await recentEvents(db, admin, farmB, now, 50)).some((event) => event.kind === "update_job")).toBe(false);
    } finally {
      await db.auditEvent.deleteMany({ where: { entityType: "update_job", entityId: { in: [done, rolled, quiet].map((j) => String(j.id)) } } });
      await db.updateJob.deleteMany({ where: { id: { in: [done.id, rolled.id, quiet.id] } } });
      await db.firmwareVersion.delete({ where: { id: firmware.id } });
    }
  });

  it("tells a farm-bound person nothing of a job that also updates another farm's devices", async () => {
    const firmware = await db.firmwareVersion.create({ data: { name: `FW ${suffix}`, version: `9.7.${base}`, deviceType: "collar" } });
    const logs = { create: [{ deviceId: dbId.get(BACK)!, targetVersion: firmware.version }, { deviceId: dbId.get(OTHER)!, targetVersion: firmware.version }] };
    const finished = await db.updateJob.create({ data: { name: `Farm A and B ${suffix}`, firmwareId: firmware.id, state: "completed", notifyOnComplete: true, scheduledAt: now, logs } });
    const running = await db.updateJob.create({ data: { name: `Running A and B ${suffix}`, firmwareId: firmware.id, state: "in_progress", scheduledAt: now, logs } });
    await db.auditEvent.create({ data: { entityType: "update_job", entityId: String(finished.id), action: "halted", actorLabel: "worker", after: { reason: `${BACK} failed` }, createdAt: ago(2) } });
    const managerB: Actor = { kind: "user", id: 0, label: "manager-b@test.example", name: "Manager B", role: "manager", farmId: farmB };
    try {
      const seenByB = await recentEvents(db, managerB, farmB, now, 50);
      expect(seenByB.filter((event) => event.kind === "update_job")).toEqual([]);
      expect(JSON.stringify(seenByB)).not.toContain(BACK);
      // Whatever farm is asked for, a farm-bound person's feed is their own farm's.
      expect(JSON.stringify(await recentEvents(db, managerB, farmA, now, 50))).not.toMatch(new RegExp(`${BACK}|Farm A and B`));
      expect(JSON.stringify(await openAlertsFeed(db, managerB, farmA))).not.toContain(SILENT);
      expect((await fleetSummary(db, managerB, farmB)).runningJobs).toBe(0);
      // An admin looking at either farm hears of it.
      expect((await recentEvents(db, admin, farmB, now, 50)).map((event) => event.title)).toContain(`Update halted: Farm A and B ${suffix}`);
      expect((await fleetSummary(db, admin, farmB)).runningJobs).toBe(1);
    } finally {
      await db.auditEvent.deleteMany({ where: { entityType: "update_job", entityId: String(finished.id) } });
      await db.updateJob.deleteMany({ where: { id: { in: [finished.id, running.id] } } });
      await db.firmwareVersion.delete({ where: { id: firmware.id } });
    }
  });

  it("counts a farm's updates in progress through its devices", async () => {
    const firmware = await db.firmwareVersion.create({ data: { name: `FW ${suffix}`, version: `9.9.${base}`, deviceType: "collar" } });
    const job = await db.updateJob.create({ data: { name: `Job ${suffix}`, firmwareId: firmware.id, state: "in_progress", scheduledAt: now, logs: { create: { deviceId: dbId.get(BACK)!, targetVersion: firmware.version } } } });
    try {
      expect((await fleetSummary(db, admin, farmA)).runningJobs).toBe(1);
      expect((await fleetSummary(db, admin, farmB)).runningJobs).toBe(0);
    } finally {
      await db.updateJob.delete({ where: { id: job.id } });
      await db.firmwareVersion.delete({ where: { id: firmware.id } });
    }
  });
});
