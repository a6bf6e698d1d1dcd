/**
 * /api/v1/config-campaigns through its route handlers, with API keys of each role: creating a
 * campaign (and what it leaves out), reading it back as a configuration job, acting on it through
 * the update job's actions — and the refusals (400 naming the path, 403 by role, 404 for another
 * farm's device or a firmware job's id), each of which writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actionsRoute from "@/app/api/v1/ota/campaigns/[id]/actions/route";
import * as campaignRoute from "@/app/api/v1/config-campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/config-campaigns/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const idBase = String(1000 + Math.floor(Math.random() * 9000));
const sensors = Array.from({ length: 6 }, (_, i) => `EV${idBase}${String(i).padStart(2, "0")}`);
const retired = `EV${idBase}90`;
const meter = `MM${idBase}91`;
const theirs = `EV${idBase}92`;
let fixture: ApiFixture;
let managerKey: string;
let firmwareJob = 0;

const call = apiRequest;
const post = (key: string, body: unknown) => campaignsRoute.POST(call(key, "POST", "/api/v1/config-campaigns", body), noParams);
const campaignsWritten = () => db.updateJob.count({ where: { kind: "configuration", logs: { some: { device: { farmId: { in: [fixture.farmA, fixture.farmB] } } } } } });
const valid = (extra: Record<string, unknown> = {}) => ({
  deviceType: "environmental",
  changes: { thresholds: { ammonia_high: 30 } },
  reason: "Barn B ventilation",
  selection: { deviceIds: sensors.slice(0, 2) },
  ...extra,
});

beforeAll(async () => {
  fixture = await createApiFixture(db, "CC", suffix);
  const user = await db.user.findUniqueOrThrow({ where: { id: fixture.userId } });
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  managerKey = (await createApiKey(db, admin, { name: `CC manager ${suffix}`, role: "manager", farmId: fixture.farmA })).key;
  await db.device.createMany({
    data: [
      ...sensors.map((deviceId, i) => ({ deviceId, name: `Barn sensor ${i}`, deviceType: "environmental" as const, farmId: fixture.farmA, state: "active" as const })),
      { deviceId: retired, name: "Old sensor", deviceType: "environmental" as const, farmId: fixture.farmA, state: "decommissioned" as const },
      { deviceId: meter, name: "Meter", deviceType: "milk_meter" as const, farmId: fixture.farmA, state: "active" as const },
      { deviceId: theirs, name: "Neighbour's sensor", deviceType: "environmental" as const, farmId: fixture.farmB, state: "active" as const },
    ],
  });
  const firmware = await db.firmwareVersion.create({ data: { name: "CC test", version: `5.${idBase}.0`, deviceType: "milk_meter", storageKey: "firmware/cc.bin", sha256: "c".repeat(64), sizeBytes: 10, state: "stable" } });
  firmwareJob = (await db.updateJob.create({ data: { name: `CC firmware ${suffix}`, firmwareId: firmware.id, state: "completed", scheduledAt: new Date(), logs: { create: { deviceId: (await db.device.findUniqueOrThrow({ where: { deviceId: meter } })).id } } } })).id;
});

afterAll(async () => {
  const jobs = await db.updateJob.findMany({ where: { logs: { some: { device: { farmId: { in: [fixture.farmA, fixture.farmB] } } } } }, select: { id: true, firmwareId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "update_job", entityId: { in: jobs.map((job) => String(job.id)) } } });
  await db.updateJob.deleteMany({ where: { id: { in: jobs.map((job) => job.id) } } });
  await db.firmwareVersion.deleteMany({ where: { id: { in: jobs.map((job) => job.firmwareId).filter((id): id is number => id !== null) } } });
  await removeApiFixture(db, fixture, [...sensors, retired, meter, theirs]);
  await disconnectDb();
});

describe("creating a configuration campaign", () => {
  it("refuses an unknown setting, a value out of range and a cross-field break with 400 naming the path, writing nothing", async () => {
    const unknown = await post(managerKey, valid({ changes: { thresholds: { ammonia_top: 30 } } }));
    expect(unknown.status).toBe(400);
    const unknownBody = (await unknown.json()).error;
    expect(unknownBody.fields).toEqual({ "changes.thresholds.ammonia_top": ["Unknown setting"] });
    expect(unknownBody.message).toContain("changes.thresholds.ammonia_top");

    const range = await post(managerKey, valid({ changes: { telemetry: { update_interval_sec: 5 } } }));
    expect(range.status).toBe(400);
    expect(Object.keys((await range.json()).error.fields)).toEqual(["changes.telemetry.update_interval_sec"]);

    // Valid on its own, but above the critical level every device inherits (50 ppm).
    const crossField = await post(managerKey, valid({ changes: { thresholds: { ammonia_high: 60 } } }));
    expect(crossField.status).toBe(400);
    const crossBody = (await crossField.json()).error;
    expect(Object.keys(crossBody.fields).every((path: string) => path.startsWith("changes.thresholds."))).toBe(true);
    expect(crossBody.message).toMatch(/^The change makes the configuration of 2 device\(s\) invalid/);

    const strategy = await post(managerKey, valid({ rollout: { strategy: "canary", canaryPercentage: 80 } }));
    expect(strategy.status).toBe(400);
    expect((await strategy.json()).error.fields).toHaveProperty(["rollout.canaryPercentage"]);
    expect(await campaignsWritten()).toBe(0);
  });

  it("refuses a viewer and a technician with 403, and another farm's device with 404, writing nothing", async () => {
    const viewer = await post(fixture.keys.viewer, valid());
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).error.code).toBe("forbidden");
    // A technician may edit one device's configuration (config.write), not run campaigns (config.manage).
    const technician = await post(fixture.keys.technician, valid());
    expect(technician.status).toBe(403);
    expect((await technician.json()).error.message).toContain("config.manage");
    const otherFarm = await post(managerKey, valid({ selection: { deviceIds: [sensors[0], theirs] } }));
    expect(otherFarm.status).toBe(404);
    expect((await otherFarm.json()).error.message).toBe(`No device ${theirs}.`);
    expect(await campaignsWritten()).toBe(0);
  });

  it("creates a campaign, leaving out retired devices, other types and devices in a running campaign, and reads it back", async () => {
    const first = await post(managerKey, valid({ selection: { deviceIds: [sensors[0], sensors[1], retired, meter] }, rollout: { strategy: "rolling", batchSize: 1, delayMinutes: 10 } }));
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(first.headers.get("Location")).toBe(`/api/v1/config-campaigns/${created.jobId}`);
    expect(created).toMatchObject({ deviceCount: 2, phases: [{ position: 1, deviceCount: 1 }, { position: 2, deviceCount: 1 }] });
    expect(created.skipped).toEqual([
      { deviceId: retired, reason: "retired" },
      { deviceId: meter, reason: "is a milk meter device, not environmental" },
    ]);

    const second = await post(managerKey, valid({ selection: { deviceIds: sensors }, changes: { alarms: { debounce_minutes: 9 } } }));
    expect(second.status).toBe(201);
    const secondBody = await second.json();
    expect(secondBody.deviceCount).toBe(4);
    expect(secondBody.skipped).toEqual([sensors[0], sensors[1]].map((deviceId) => ({ deviceId, reason: `already in configuration campaign ${created.jobId}` })));

    const read = await campaignRoute.GET(call(managerKey, "GET", `/api/v1/config-campaigns/${created.jobId}`), withParams({ id: String(created.jobId) }));
    expect(read.status).toBe(200);
    const job = await read.json();
    expect(job).toMatchObject({
      kind: "configuration",
      firmware: null,
      strategy: "rolling",
      state: "scheduled",
      deviceCount: 2,
      configChange: { deviceType: "environmental", changes: { thresholds: { ammonia_high: 30 } }, reason: "Barn B ventilation", summary: "thresholds.ammonia_high = 30" },
      allowedActions: ["pause", "cancel"],
    });
    expect(job.strategyConfig).toMatchObject({ strategy: "emergency", batchSize: 1, batchIntervalMinutes: 10, campaignStrategy: "rolling" });

    const list = await campaignsRoute.GET(call(managerKey, "GET", "/api/v1/config-campaigns?state=active"), noParams);
    const page = await list.json();
    expect(page.data.map((item: { id: number }) => item.id)).toEqual(expect.arrayContaining([created.jobId, secondBody.jobId]));
    expect(page.data.every((item: { kind: string }) => item.kind === "configuration")).toBe(true);

    // A firmware job is not a configuration campaign.
    expect((await campaignRoute.GET(call(fixture.keys.admin, "GET", `/api/v1/config-campaigns/${firmwareJob}`), withParams({ id: String(firmwareJob) }))).status).toBe(404);

    // The update job's actions apply as they are: cancelled, its devices are free again.
    const cancel = await actionsRoute.POST(call(managerKey, "POST", `/api/v1/ota/campaigns/${created.jobId}/actions`, { action: "cancel", note: "wrong barn" }), withParams({ id: String(created.jobId) }));
    expect(cancel.status).toBe(200);
    expect((await cancel.json()).message).toBe("Cancelled: devices not yet sent the change keep their configuration.");
    const again = await post(managerKey, valid({ selection: { deviceIds: [sensors[0]] } }));
    expect(again.status).toBe(201);
  });
});
