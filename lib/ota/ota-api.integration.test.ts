/**
 * The OTA HTTP API through its route handlers, with API keys of each role: scheduling (M92
 * /iot/firmware/update and I-013 /ota/campaigns), reading jobs and their device logs, "start now"
 * and the job actions — including the refusals (400 per field, 403 by role, 404 for an unknown job
 * or another farm's, 409 for the wrong state), each of which writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as firmwareUpdateRoute from "@/app/api/v1/iot/firmware/update/route";
import * as actionsRoute from "@/app/api/v1/ota/campaigns/[id]/actions/route";
import * as logsRoute from "@/app/api/v1/ota/campaigns/[id]/logs/route";
import * as campaignRoute from "@/app/api/v1/ota/campaigns/[id]/route";
import * as startRoute from "@/app/api/v1/ota/campaigns/[id]/start/route";
import * as campaignsRoute from "@/app/api/v1/ota/campaigns/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
/** Device ids are two letters and three to six digits: four of this run's, two of the device's. */
const idBase = String(1000 + Math.floor(Math.random() * 9000));
const meters = Array.from({ length: 16 }, (_, i) => `MO${idBase}${String(i).padStart(2, "0")}`);
const collar = `CO${idBase}`;
const theirs = `MP${idBase}`;
const version = `9.${idBase}.0`;
let fixture: ApiFixture;
let managerKey: string;
let firmwareId = 0;

const call = apiRequest;
const forJob = (id: number | string) => withParams({ id: String(id) });
const jobsWritten = () => db.updateJob.count({ where: { firmwareId } });

async function schedule(deviceIds: string[], extra: Record<string, unknown> = {}) {
  const response = await campaignsRoute.POST(call(managerKey, "POST", "/api/v1/ota/campaigns", { firmwareId, target: { deviceIds }, ...extra }), noParams);
  expect(response.status).toBe(201);
  return (await response.json()) as { jobId: number; deviceCount: number };
}

const act = (key: string, jobId: number, body: unknown) => actionsRoute.POST(call(key, "POST", `/api/v1/ota/campaigns/${jobId}/actions`, body), forJob(jobId));
const start = (key: string, jobId: number | string) => startRoute.POST(call(key, "POST", `/api/v1/ota/campaigns/${jobId}/start`), forJob(jobId));
const jobState = async (jobId: number) => (await db.updateJob.findUniqueOrThrow({ where: { id: jobId }, select: { state: true } })).state;

beforeAll(async () => {
  fixture = await createApiFixture(db, "OA", suffix);
  const user = await db.user.findUniqueOrThrow({ where: { id: fixture.userId } });
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  managerKey = (await createApiKey(db, admin, { name: `OA manager ${suffix}`, role: "manager", farmId: fixture.farmA })).key;
  await db.device.createMany({
    data: meters.map((deviceId, i) => ({ deviceId, name: `Parlour meter ${i}`, deviceType: "milk_meter" as const, farmId: fixture.farmA, model: "MM-400", firmwareVersion: "2.0.3", state: "active" as const })),
  });
  await db.device.create({ data: { deviceId: collar, name: "Collar", deviceType: "collar", farmId: fixture.farmA, model: "HP-C2", firmwareVersion: "1.0.0", state: "active" } });
  await db.device.create({ data: { deviceId: theirs, name: "Neighbour's meter", deviceType: "milk_meter", farmId: fixture.farmB, model: "MM-400", firmwareVersion: "2.0.3", state: "active" } });
  firmwareId = (
    await db.firmwareVersion.create({
      data: { name: "Parlour meter", version, deviceType: "milk_meter", compatibleModels: ["MM-400"], minPreviousVersion: "2.0.0", storageKey: "firmware/ota-api-test.bin", sha256: "b".repeat(64), sizeBytes: 2048, state: "stable" },
    })
  ).id;
});

afterAll(async () => {
  const jobs = await db.updateJob.findMany({ where: { firmwareId }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "update_job", entityId: { in: jobs.map((job) => String(job.id)) } } });
  // phases and logs go with their job (ON DELETE CASCADE)
  await db.updateJob.deleteMany({ where: { firmwareId } });
  await removeApiFixture(db, fixture, [...meters, collar, theirs]);
  await db.firmwareVersion.delete({ where: { id: firmwareId } });
  await disconnectDb();
});

describe("scheduling an update", () => {
  it("refuses a viewer and a technician with 403, writing nothing", async () => {
    const body = { firmwareId, target: { deviceIds: [meters[0]] } };
    const viewer = await firmwareUpdateRoute.POST(call(fixture.keys.viewer, "POST", "/api/v1/iot/firmware/update", body), noParams);
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).error).toMatchObject({ code: "forbidden", message: expect.stringContaining("ota.schedule") });
    expect((await campaignsRoute.POST(call(fixture.keys.technician, "POST", "/api/v1/ota/campaigns", body), noParams)).status).toBe(403);
    expect(await jobsWritten()).toBe(0);
  });

  it("answers a body that is not JSON, or not the shape, with 400 and a message per field", async () => {
    const notJson = await firmwareUpdateRoute.POST(call(managerKey, "POST", "/api/v1/iot/firmware/update", "{firmwareId"), noParams);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatchObject({ code: "invalid", message: "The request body must be JSON." });

    const wrong = await firmwareUpdateRoute.POST(
      call(managerKey, "POST", "/api/v1/iot/firmware/update", { target: { deviceIds: ["not-a-device"] }, scheduledAt: "tomorrow", device_ids: [1], rollout: { strategy: "phased", percentages: [50, 10] } }),
      noParams,
    );
    expect(wrong.status).toBe(400);
    const { fields } = (await wrong.json()).error;
    expect(Object.keys(fields).sort()).toEqual(["device_ids", "firmwareId", "rollout.percentages", "scheduledAt", "target.deviceIds.0"].sort());
    expect(fields.device_ids).toEqual(["Unknown field"]);
    expect(fields.firmwareId).toEqual(["Pick a firmware version"]);
    expect(await jobsWritten()).toBe(0);
  });

  it("refuses a target with an incompatible device, listing it, and writes nothing", async () => {
    const response = await firmwareUpdateRoute.POST(call(managerKey, "POST", "/api/v1/iot/firmware/update", { firmwareId, target: { deviceIds: [meters[0], collar] } }), noParams);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.message).toMatch(/1 of the 2 devices cannot take .*; nothing was scheduled/);
    expect(error.fields).toEqual({ target: [`${collar} is a collar, the firmware is for milk meter`] });
    expect(await jobsWritten()).toBe(0);
    expect(await db.updateLog.count({ where: { device: { deviceId: { in: [meters[0]!, collar] } } } })).toBe(0);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: meters[0] } })).firmwareUpdateStatus).toBe("none");
  });

  it("keeps a farm-bound key to its farm: another farm's device is not found", async () => {
    const response = await campaignsRoute.POST(call(managerKey, "POST", "/api/v1/ota/campaigns", { firmwareId, target: { deviceIds: [theirs] } }), noParams);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe(`Not found or retired: ${theirs}.`);
    expect(await jobsWritten()).toBe(0);
  });

  it("schedules through the M92 route: 201 with the job, its phases and one pending log per device", async () => {
    const response = await firmwareUpdateRoute.POST(call(managerKey, "POST", "/api/v1/iot/firmware/update", { firmwareId, target: { deviceIds: [meters[0], meters[1]] }, name: "Two parlour meters" }), noParams);
    expect(response.status).toBe(201);
    const job = await response.json();
    expect(job).toEqual({ jobId: expect.any(Number), deviceCount: 2, phases: [{ position: 1, deviceCount: 2 }], skipped: [] });
    expect(response.headers.get("location")).toBe(`/api/v1/ota/campaigns/${job.jobId}`);
    const logs = await db.updateLog.findMany({ where: { jobId: job.jobId }, select: { state: true, previousVersion: true, targetVersion: true } });
    expect(logs).toEqual([
      { state: "pending", previousVersion: "2.0.3", targetVersion: version },
      { state: "pending", previousVersion: "2.0.3", targetVersion: version },
    ]);
    expect(await db.updateJob.findUniqueOrThrow({ where: { id: job.jobId } })).toMatchObject({ name: "Two parlour meters", state: "scheduled", deviceCount: 2 });
    expect(await db.auditEvent.count({ where: { entityType: "update_job", entityId: String(job.jobId), action: "scheduled" } })).toBe(1);
  });

  it("creates a campaign with a canary rollout and reports devices already on the version as skipped", async () => {
    await db.device.update({ where: { deviceId: meters[11] }, data: { firmwareVersion: version } });
    const response = await campaignsRoute.POST(
      call(managerKey, "POST", "/api/v1/ota/campaigns", { firmwareId, target: { deviceIds: meters.slice(2, 12) }, rollout: { strategy: "canary", canaryPercentage: 20, soakMinutes: 30 } }),
      noParams,
    );
    const job = await response.json();
    expect(response.status, JSON.stringify(job)).toBe(201);
    expect(job).toMatchObject({ deviceCount: 9, skipped: [{ deviceId: meters[11], reason: `already runs ${version}` }] });
    expect(job.phases.map((phase: { position: number }) => phase.position)).toEqual([1, 2]);
    expect(job.phases.reduce((sum: number, phase: { deviceCount: number }) => sum + phase.deviceCount, 0)).toBe(9);
    expect(await db.updateLog.count({ where: { jobId: job.jobId } })).toBe(9);
  });

  it("refuses devices already in a running update with 409 naming them", async () => {
    const response = await campaignsRoute.POST(call(managerKey, "POST", "/api/v1/ota/campaigns", { firmwareId, target: { deviceIds: [meters[0]] } }), noParams);
    expect(response.status).toBe(409);
    expect((await response.json()).error.fields.target).toEqual([expect.stringContaining(meters[0]!)]);
  });
});

describe("starting a scheduled job now", () => {
  it("moves a job scheduled for tomorrow to now, once it is asked by a role that may schedule", async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const jobId = (await db.updateJob.findFirstOrThrow({ where: { firmwareId, name: "Two parlour meters" } })).id;
    await db.updateJob.update({ where: { id: jobId }, data: { scheduledAt: tomorrow } });

    expect((await start(fixture.keys.viewer, jobId)).status).toBe(403);
    expect((await db.updateJob.findUniqueOrThrow({ where: { id: jobId } })).scheduledAt).toEqual(tomorrow);

    const before = Date.now();
    const response = await start(managerKey, jobId);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ jobId, message: expect.stringMatching(/^Started/) });
    expect(body.firstSendAt).toBe(body.scheduledAt);
    const job = await db.updateJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.state).toBe("scheduled");
    expect(job.scheduledAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(job.scheduledAt.getTime()).toBeLessThanOrEqual(Date.now());
    const devices = await db.device.findMany({ where: { deviceId: { in: [meters[0]!, meters[1]!] } }, select: { firmwareUpdateScheduled: true } });
    expect(devices.map((device) => device.firmwareUpdateScheduled?.getTime())).toEqual([job.scheduledAt.getTime(), job.scheduledAt.getTime()]);
    expect(await db.auditEvent.findFirst({ where: { entityType: "update_job", entityId: String(jobId), action: "started" }, select: { before: true, after: true } })).toEqual({
      before: { scheduledAt: tomorrow.toISOString() },
      after: { scheduledAt: job.scheduledAt.toISOString() },
    });
  });

  it("says when the maintenance window lets the first device be sent", async () => {
    const jobId = (await db.updateJob.findFirstOrThrow({ where: { firmwareId, name: "Two parlour meters" } })).id;
    const hour = (new Date().getUTCHours() + 2) % 24;
    const at = `${String(hour).padStart(2, "0")}:00`;
    await db.updateJob.update({ where: { id: jobId }, data: { maintenanceWindow: { start: at, end: `${String((hour + 1) % 24).padStart(2, "0")}:00`, days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], timeZone: "UTC" } } });
    try {
      const body = await (await start(managerKey, jobId)).json();
      expect(new Date(body.firstSendAt).getUTCHours()).toBe(hour);
      expect(body.message).toContain(`maintenance window (${at}–`);
    } finally {
      await db.updateJob.update({ where: { id: jobId }, data: { maintenanceWindow: undefined } });
    }
  });

  it("answers 404 for an unknown id, a malformed one and another farm's job", async () => {
    expect((await start(managerKey, 2_000_000_000)).status).toBe(404);
    expect((await start(managerKey, "abc")).status).toBe(404);
    const response = await campaignsRoute.POST(call(fixture.keys.admin, "POST", "/api/v1/ota/campaigns", { firmwareId, target: { deviceIds: [theirs] }, scheduledAt: "2099-01-01T02:00:00+00:00" }), noParams);
    expect(response.status).toBe(201);
    const { jobId } = await response.json();
    expect((await start(managerKey, jobId)).status).toBe(404);
    expect((await act(managerKey, jobId, { action: "cancel" })).status).toBe(404);
    expect(await jobState(jobId)).toBe("scheduled");
    expect((await db.updateJob.findUniqueOrThrow({ where: { id: jobId } })).scheduledAt.toISOString()).toBe("2099-01-01T02:00:00.000Z");
  });
});

describe("reading jobs", () => {
  let jobId = 0;
  beforeAll(async () => {
    jobId = (await schedule([meters[12]!, meters[13]!, meters[14]!], { name: `Read side ${suffix}` })).jobId;
    // one device has reported, so the counts and the state filter have something to show
    const log = await db.updateLog.findFirstOrThrow({ where: { jobId, device: { deviceId: meters[12] } } });
    await db.updateLog.update({ where: { id: log.id }, data: { state: "downloading", progress: 40, sentAt: new Date() } });
  });

  it("lists jobs newest first with counts, a state filter and pages; a viewer may read", async () => {
    const response = await campaignsRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns?state=scheduled&pageSize=100"), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ page: 1, pageSize: 100, pages: 1 });
    const ours = body.data.find((job: { id: number }) => job.id === jobId);
    expect(ours).toMatchObject({ name: `Read side ${suffix}`, state: "scheduled", strategy: "all_at_once", firmware: { id: firmwareId, version }, deviceCount: 3, inFlightCount: 1, pendingCount: 2, successCount: 0 });
    expect(body.data.every((job: { state: string }) => job.state === "scheduled")).toBe(true);

    const cancelled = await (await campaignsRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns?state=cancelled"), noParams)).json();
    expect(cancelled.data.map((job: { id: number }) => job.id)).not.toContain(jobId);

    const paged = await (await campaignsRoute.GET(call(fixture.keys.admin, "GET", "/api/v1/ota/campaigns?pageSize=1&page=2"), noParams)).json();
    expect(paged.data).toHaveLength(1);
    expect(paged.pages).toBe(paged.total);
  });

  it("keeps a farm-bound key to the jobs of its farm", async () => {
    const other = await db.updateJob.findFirstOrThrow({ where: { firmwareId, logs: { some: { device: { deviceId: theirs } } } } });
    const body = await (await campaignsRoute.GET(call(fixture.keys.technician, "GET", "/api/v1/ota/campaigns?pageSize=100"), noParams)).json();
    expect(body.data.map((job: { id: number }) => job.id)).toContain(jobId);
    expect(body.data.map((job: { id: number }) => job.id)).not.toContain(other.id);
    expect((await campaignRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/ota/campaigns/${other.id}`), forJob(other.id))).status).toBe(404);
    expect((await logsRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/ota/campaigns/${other.id}/logs`), forJob(other.id))).status).toBe(404);
    expect((await campaignRoute.GET(call(fixture.keys.admin, "GET", `/api/v1/ota/campaigns/${other.id}`), forJob(other.id))).status).toBe(200);
  });

  it("answers a bad filter with 400 per parameter", async () => {
    const response = await campaignsRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns?state=running&pageSize=500&page=0"), noParams);
    expect(response.status).toBe(400);
    const { fields } = (await response.json()).error;
    expect(Object.keys(fields).sort()).toEqual(["page", "pageSize", "state"]);
    expect(fields.state[0]).toMatch(/^state must be one of active, draft, scheduled/);
    const logs = await logsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}/logs?state=done&cursor=abc&limit=0`), forJob(jobId));
    expect(logs.status).toBe(400);
    expect(Object.keys((await logs.json()).error.fields).sort()).toEqual(["cursor", "limit", "state"]);
  });

  it("reads one job with its counts, phases and the actions its state allows", async () => {
    const response = await campaignRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}`), forJob(jobId));
    expect(response.status).toBe(200);
    const job = await response.json();
    expect(job).toMatchObject({
      id: jobId,
      state: "scheduled",
      deviceCount: 3,
      counts: { pending: 2, downloading: 1, completed: 0 },
      targetSpec: { deviceIds: [meters[12], meters[13], meters[14]] },
      phases: [{ position: 1, state: "pending", targetPercentage: 100, deviceCount: 3, inFlight: 1, pending: 2 }],
      allowedActions: ["pause", "cancel"],
    });
    expect((await campaignRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns/2000000000"), forJob(2_000_000_000))).status).toBe(404);
    expect((await campaignRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns/x1"), forJob("x1"))).status).toBe(404);
  });

  it("pages the per-device logs by cursor, with state and search filters", async () => {
    const first = await logsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}/logs?limit=2`), forJob(jobId));
    expect(first.status).toBe(200);
    const page1 = await first.json();
    expect(page1.data).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(Number));
    expect(page1.data[0]).toEqual(
      expect.objectContaining({ deviceId: expect.stringMatching(/^MO/), deviceName: expect.any(String), phase: 1, previousVersion: "2.0.3", targetVersion: version, errorMessage: null, rollbackSentAt: null }),
    );
    const page2 = await (await logsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}/logs?limit=2&cursor=${page1.nextCursor}`), forJob(jobId))).json();
    expect(page2.data).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.data, ...page2.data].map((log: { deviceId: string }) => log.deviceId))).toEqual(new Set([meters[12], meters[13], meters[14]]));

    const inFlight = await (await logsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}/logs?state=in_flight`), forJob(jobId))).json();
    expect(inFlight.data).toEqual([expect.objectContaining({ deviceId: meters[12], state: "downloading", progress: 40 })]);
    const searched = await (await logsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/ota/campaigns/${jobId}/logs?search=${meters[14]!.toLowerCase()}`), forJob(jobId))).json();
    expect(searched.data.map((log: { deviceId: string }) => log.deviceId)).toEqual([meters[14]]);
    expect((await logsRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/ota/campaigns/2000000000/logs"), forJob(2_000_000_000))).status).toBe(404);
  });
});

describe("job actions", () => {
  let jobId = 0;
  beforeAll(async () => {
    jobId = (await db.updateJob.findFirstOrThrow({ where: { firmwareId, name: "Two parlour meters" } })).id;
  });

  it("refuses a viewer with 403 and a bad body with 400, changing nothing", async () => {
    const viewer = await act(fixture.keys.viewer, jobId, { action: "pause" });
    expect(viewer.status).toBe(403);
    const unknown = await act(managerKey, jobId, { action: "explode", when: "now" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.fields).toEqual({ action: ["action must be one of pause, resume, cancel, approve, rollback"], when: ["Unknown field"] });
    const notJson = await act(managerKey, jobId, "pause");
    expect(notJson.status).toBe(400);
    expect((await act(managerKey, 2_000_000_000, { action: "pause" })).status).toBe(404);
    expect(await jobState(jobId)).toBe("scheduled");
  });

  it("pauses, refuses a second pause and a start with 409, resumes, cancels, and refuses everything after", async () => {
    const paused = await act(managerKey, jobId, { action: "pause", note: "Milking runs late" });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ jobId, action: "pause", message: expect.stringMatching(/^Paused/) });
    expect(await db.updateJob.findUniqueOrThrow({ where: { id: jobId }, select: { state: true, stateReason: true } })).toEqual({ state: "paused", stateReason: expect.stringMatching(/^Paused by .*: Milking runs late$/) });

    const again = await act(managerKey, jobId, { action: "pause" });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ code: "conflict", message: expect.stringContaining("paused") });
    const startPaused = await start(managerKey, jobId);
    expect(startPaused.status).toBe(409);
    expect((await startPaused.json()).error.message).toMatch(/only a scheduled job can be started/);

    const resumed = await act(managerKey, jobId, { action: "resume" });
    expect(resumed.status).toBe(200);
    // it never started, so it waits for its time again
    expect(await jobState(jobId)).toBe("scheduled");

    const cancelled = await act(managerKey, jobId, { action: "cancel", note: "Wrong build" });
    expect(cancelled.status).toBe(200);
    expect(await jobState(jobId)).toBe("cancelled");
    // the devices it never reached are released
    expect(await db.device.findMany({ where: { deviceId: { in: [meters[0]!, meters[1]!] } }, select: { firmwareUpdateStatus: true, targetFirmwareId: true } })).toEqual([
      { firmwareUpdateStatus: "none", targetFirmwareId: null },
      { firmwareUpdateStatus: "none", targetFirmwareId: null },
    ]);

    for (const action of ["pause", "resume", "cancel", "approve"]) {
      const refused = await act(managerKey, jobId, { action });
      expect(refused.status, action).toBe(409);
    }
    expect((await start(managerKey, jobId)).status).toBe(409);
    expect(await db.auditEvent.findMany({ where: { entityType: "update_job", entityId: String(jobId), action: { in: ["pause", "resume", "cancel"] } }, orderBy: { id: "asc" }, select: { action: true } })).toEqual([
      { action: "pause" },
      { action: "resume" },
      { action: "cancel" },
    ]);
  });

  it("refuses a rollback while no device has completed the update", async () => {
    const other = await db.updateJob.findFirstOrThrow({ where: { firmwareId, state: "scheduled", deviceCount: 9 } });
    const response = await act(managerKey, other.id, { action: "rollback" });
    expect(response.status).toBe(409);
    expect((await response.json()).error.message).toMatch(/Roll back/);
    expect(await db.updateJob.findUniqueOrThrow({ where: { id: other.id }, select: { state: true, rollbackStartedAt: true } })).toEqual({ state: "scheduled", rollbackStartedAt: null });
  });
});
