/**
 * Log bundle uploads through the real route handlers, a real PostgreSQL and the local blob store
 * (in a temporary DATA_DIR): a valid upload is stored, listed and read back; every bad upload is
 * refused, counted on the bundle, and leaves nothing in the store.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  // Before anything reads the configuration: the store and the size limit of this test.
  const dir = `${process.env.TMPDIR ?? "/tmp"}/sdm-logs-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  process.env.LOG_BUNDLE_MAX_BYTES = String(64 * 1024);
  return dir;
});

import { PUT as upload } from "@/app/api/v1/iot/devices/[id]/logs/[bundleId]/upload/route";
import { GET as listRoute } from "@/app/api/v1/devices/[id]/logs/route";
import { GET as downloadRoute } from "@/app/api/v1/devices/[id]/logs/[bundleId]/route";
import { GET as linesRoute } from "@/app/api/v1/devices/[id]/logs/[bundleId]/lines/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { formatLogLine } from "./log-lines";
import { newUploadToken } from "./log-upload-token";

const db = getDb();
const suffix = randomUUID().slice(0, 6);
let fixture: ApiFixture;
let device: { id: number; deviceId: string };
let otherFarmDevice: { id: number; deviceId: string };

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const storedFiles = () => {
  const dir = path.join(dataDir, "storage", "logs", device.deviceId);
  return existsSync(dir) ? readdirSync(dir) : [];
};

async function newBundle(forDevice = device, expiresInMs = 120_000) {
  const command = await db.command.create({
    data: { commandId: `lb-${randomUUID()}`, deviceId: forDevice.id, commandType: "get_logs", parameters: { log_types: ["system"], time_range_hours: 1 }, status: "sent", sentAt: new Date(), farmId: fixture.farmA, timeoutSeconds: 120 },
  });
  const { token, hash } = newUploadToken();
  const bundle = await db.deviceLogBundle.create({
    data: { deviceId: forDevice.id, commandId: command.id, logTypes: ["system", "application"], timeRangeHours: 1, uploadTokenHash: hash, uploadExpiresAt: new Date(Date.now() + expiresInMs) },
  });
  return { bundle, token, command };
}

function put(deviceId: string, bundleId: number | string, token: string | null, body: Uint8Array, headers: Record<string, string> = {}) {
  const url = `http://localhost/api/v1/iot/devices/${deviceId}/logs/${bundleId}/upload${token === null ? "" : `?token=${token}`}`;
  const request = new Request(url, { method: "PUT", headers: { "content-type": "application/gzip", "x-content-sha256": sha(body), ...headers }, body: new Uint8Array(body) });
  return upload(request, withParams({ id: deviceId, bundleId: String(bundleId) }));
}

const logText = () =>
  [
    formatLogLine(new Date("2026-12-03T12:00:00Z"), "INFO", "flow", "flow sensor ok"),
    formatLogLine(new Date("2026-12-03T12:00:01Z"), "WARN", "net", "weak signal -92 dBm"),
    formatLogLine(new Date("2026-12-03T12:00:02Z"), "ERROR", "flow", "Flow read failed (E42)"),
    "   at readFlow (flow.c:120)",
    formatLogLine(new Date("2026-12-03T12:00:03Z"), "DEBUG", "mqtt", "telemetry queued"),
  ].join("\n") + "\n";

beforeAll(async () => {
  fixture = await createApiFixture(db, "LB", suffix);
  const num = () => String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
  device = await db.device.create({ data: { deviceId: `LB${num()}`, name: "Log meter", deviceType: "milk_meter", state: "active", farmId: fixture.farmA }, select: { id: true, deviceId: true } });
  otherFarmDevice = await db.device.create({ data: { deviceId: `LB${num()}`, name: "Other farm", deviceType: "gateway", state: "active", farmId: fixture.farmB }, select: { id: true, deviceId: true } });
});

afterAll(async () => {
  if (fixture) await removeApiFixture(db, fixture, [device?.deviceId, otherFarmDevice?.deviceId].filter(Boolean));
  await disconnectDb();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("log bundle upload (devices, one-time token)", () => {
  it("stores a valid upload once, then lists, downloads and reads it back with filters", async () => {
    const { bundle, token } = await newBundle();
    const gzip = gzipSync(Buffer.from(logText()));
    const response = await put(device.deviceId, bundle.id, token, gzip);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ bundleId: bundle.id, sizeBytes: gzip.length, sha256: sha(gzip), lineCount: 5 });
    const row = await db.deviceLogBundle.findUniqueOrThrow({ where: { id: bundle.id } });
    expect(row).toMatchObject({ state: "stored", sizeBytes: gzip.length, sha256: sha(gzip), lineCount: 5, uploadTokenHash: null, refusedUploads: 0 });
    expect(row.storageKey).toMatch(new RegExp(`^logs/${device.deviceId}/${bundle.id}-`));
    expect(storedFiles()).toHaveLength(1);

    // One-time: the same token again is refused and counted, the stored file untouched.
    const again = await put(device.deviceId, bundle.id, token, gzip);
    expect(again.status).toBe(403);
    expect(storedFiles()).toHaveLength(1);

    const list = await listRoute(apiRequest(fixture.keys.technician, "GET", `/api/v1/devices/${device.deviceId}/logs`), withParams({ id: device.deviceId }));
    expect(list.status).toBe(200);
    const listed = ((await list.json()) as { data: { id: number; state: string; lineCount: number; logTypes: string[] }[] }).data.find((entry) => entry.id === bundle.id);
    expect(listed).toMatchObject({ state: "stored", lineCount: 5, sizeBytes: gzip.length, logTypes: ["system", "application"], refusedUploads: 1 });

    const download = await downloadRoute(apiRequest(fixture.keys.viewer, "GET", `/api/v1/devices/${device.deviceId}/logs/${bundle.id}`), withParams({ id: device.deviceId, bundleId: String(bundle.id) }));
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/gzip");
    expect(download.headers.get("content-disposition")).toMatch(new RegExp(`attachment; filename="${device.deviceId}-logs-${bundle.id}-.*\\.log\\.gz"`));
    expect(gunzipSync(Buffer.from(await download.arrayBuffer())).toString()).toBe(logText());

    const read = async (query: string) => {
      const response = await linesRoute(apiRequest(fixture.keys.technician, "GET", `/api/v1/devices/${device.deviceId}/logs/${bundle.id}/lines${query}`), withParams({ id: device.deviceId, bundleId: String(bundle.id) }));
      return { status: response.status, body: (await response.json()) as { lines: { n: number; level: string | null }[]; matched: number; total: number; truncated: boolean } };
    };
    const all = await read("");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ matched: 5, total: 5, truncated: false });
    expect((await read("?level=warn")).body.lines.map((line) => line.n)).toEqual([2, 3, 4]);
    expect((await read("?level==warn")).body.lines.map((line) => line.n)).toEqual([2]);
    expect((await read("?search=FLOW")).body.lines.map((line) => line.n)).toEqual([1, 3, 4]);
    expect((await read("?limit=2")).body).toMatchObject({ truncated: true, lines: [{ n: 4 }, { n: 5 }] });
    expect((await read("?level=loud")).status).toBe(400);
  });

  it("refuses a wrong token, an expired URL, an oversized body, a wrong checksum and non-gzip bytes: counted, nothing stored", async () => {
    const before = storedFiles().length;
    const gzip = gzipSync(Buffer.from(logText()));

    const wrong = await newBundle();
    const wrongToken = await put(device.deviceId, wrong.bundle.id, newUploadToken().token, gzip);
    expect(wrongToken.status).toBe(403);
    expect(((await wrongToken.json()) as { error: { message: string } }).error.message).toMatch(/token is wrong/);
    expect((await put(device.deviceId, wrong.bundle.id, null, gzip)).status).toBe(403);

    const expired = await newBundle(device, -1_000);
    const late = await put(device.deviceId, expired.bundle.id, expired.token, gzip);
    expect(late.status).toBe(410);

    const big = await newBundle();
    const noise = gzipSync(randomBytes(100 * 1024));
    const tooLarge = await put(device.deviceId, big.bundle.id, big.token, noise);
    expect(tooLarge.status).toBe(413);
    // Without a declared length (chunked): refused while it streams.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < noise.length; offset += 8192) controller.enqueue(noise.subarray(offset, offset + 8192));
        controller.close();
      },
    });
    const chunked = await upload(
      new Request(`http://localhost/api/v1/iot/devices/${device.deviceId}/logs/${big.bundle.id}/upload?token=${big.token}`, { method: "PUT", headers: { "x-content-sha256": sha(noise) }, body: stream, duplex: "half" } as RequestInit),
      withParams({ id: device.deviceId, bundleId: String(big.bundle.id) }),
    );
    expect(chunked.status).toBe(413);

    const checksum = await newBundle();
    const badSum = await put(device.deviceId, checksum.bundle.id, checksum.token, gzip, { "x-content-sha256": sha(Buffer.from("something else")) });
    expect(badSum.status).toBe(400);
    expect(((await badSum.json()) as { error: { message: string } }).error.message).toMatch(/Checksum mismatch/);
    expect((await put(device.deviceId, checksum.bundle.id, checksum.token, gzip, { "x-content-sha256": "" })).status).toBe(400);

    const plain = await newBundle();
    const notGzip = await put(device.deviceId, plain.bundle.id, plain.token, Buffer.from(logText()));
    expect(notGzip.status).toBe(415);
    const truncated = await put(device.deviceId, plain.bundle.id, plain.token, gzip.subarray(0, gzip.length - 12));
    expect(truncated.status).toBe(415);
    // A gzip bomb: small on the wire, far larger than 16 × the limit once unpacked.
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const bombed = await put(device.deviceId, plain.bundle.id, plain.token, bomb);
    expect(bombed.status).toBe(415);

    const rows = await db.deviceLogBundle.findMany({ where: { id: { in: [wrong.bundle.id, expired.bundle.id, big.bundle.id, checksum.bundle.id, plain.bundle.id] } }, orderBy: { id: "asc" } });
    expect(rows.map((row) => [row.state, row.refusedUploads, row.storageKey])).toEqual([
      ["awaiting_upload", 2, null],
      ["awaiting_upload", 1, null],
      ["awaiting_upload", 2, null],
      ["awaiting_upload", 2, null],
      ["awaiting_upload", 3, null],
    ]);
    expect(rows[0]!.lastRefusal).toMatch(/token/);
    expect(rows[1]!.lastRefusal).toMatch(/expired/);
    expect(rows[2]!.lastRefusal).toMatch(/larger than/);
    expect(rows[4]!.lastRefusal).toMatch(/gzip/);
    expect(storedFiles()).toHaveLength(before);
    expect(existsSync(path.join(dataDir, "tmp")) ? readdirSync(path.join(dataDir, "tmp")) : []).toEqual([]);

    // After all that, the genuine upload still goes through.
    expect((await put(device.deviceId, plain.bundle.id, plain.token, gzip)).status).toBe(201);
  });

  it("answers 404 for a bundle of another device or none, without counting", async () => {
    const { bundle, token } = await newBundle();
    const gzip = gzipSync(Buffer.from(logText()));
    expect((await put(otherFarmDevice.deviceId, bundle.id, token, gzip)).status).toBe(404);
    expect((await put(device.deviceId, 2_000_000_000, token, gzip)).status).toBe(404);
    expect((await put(device.deviceId, "abc", token, gzip)).status).toBe(404);
    expect((await db.deviceLogBundle.findUniqueOrThrow({ where: { id: bundle.id } })).refusedUploads).toBe(0);
  });

  it("keeps another farm's device logs out of reach (404), and bundles not uploaded unreadable (409)", async () => {
    const { bundle } = await newBundle(otherFarmDevice);
    const asTechnician = await listRoute(apiRequest(fixture.keys.technician, "GET", `/api/v1/devices/${otherFarmDevice.deviceId}/logs`), withParams({ id: otherFarmDevice.deviceId }));
    expect(asTechnician.status).toBe(404);
    const asAdmin = await listRoute(apiRequest(fixture.keys.admin, "GET", `/api/v1/devices/${otherFarmDevice.deviceId}/logs`), withParams({ id: otherFarmDevice.deviceId }));
    expect(asAdmin.status).toBe(200);
    const lines = await linesRoute(apiRequest(fixture.keys.admin, "GET", `/x`), withParams({ id: otherFarmDevice.deviceId, bundleId: String(bundle.id) }));
    expect(lines.status).toBe(409);
    const elsewhere = await downloadRoute(apiRequest(fixture.keys.admin, "GET", `/x`), withParams({ id: device.deviceId, bundleId: String(bundle.id) }));
    expect(elsewhere.status).toBe(404);
  });
});

// Last: it stores a file, and the tests above count the files of the store.
describe("log viewer", () => {
  it("shows an endless line cut at 8 KB in the viewer, and the lines around it whole", async () => {
    const { bundle, token } = await newBundle();
    const endless = "x".repeat(40_000);
    const gzip = gzipSync(Buffer.from(`${formatLogLine(new Date("2026-12-03T12:00:00Z"), "INFO", "app", "before")}\n${endless}\n${formatLogLine(new Date("2026-12-03T12:00:01Z"), "INFO", "app", "after")}\n`));
    expect((await put(device.deviceId, bundle.id, token, gzip)).status).toBe(201);
    const response = await linesRoute(apiRequest(fixture.keys.technician, "GET", `/api/v1/devices/${device.deviceId}/logs/${bundle.id}/lines`), withParams({ id: device.deviceId, bundleId: String(bundle.id) }));
    const body = (await response.json()) as { lines: { message: string }[]; total: number };
    expect(body.total).toBe(3);
    expect(body.lines[0]!.message).toBe("before");
    expect(body.lines[1]!.message).toHaveLength(8_192 + " …[line cut]".length);
    expect(body.lines[1]!.message.endsWith("…[line cut]")).toBe(true);
    expect(body.lines[2]!.message).toBe("after");
  });
});
