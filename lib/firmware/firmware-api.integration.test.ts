/**
 * Firmware versions through their route handlers: streamed multipart upload (size, SHA-256, signed
 * manifest), refusals, release states, and the download devices make with their own credentials,
 * whole or by byte range.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as downloadRoute from "@/app/api/v1/iot/firmware/versions/[id]/download/route";
import * as stateRoute from "@/app/api/v1/iot/firmware/versions/[id]/state/route";
import * as versionsRoute from "@/app/api/v1/iot/firmware/versions/route";
import * as signingKeyRoute from "@/app/api/v1/iot/firmware/signing-key/route";
import { disconnectDb, getDb } from "../db";
import { issueDeviceCredentials } from "../provisioning/credentials";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { manifestOf } from "./firmware-versions";
import { canonicalManifest, verifyManifest } from "./signing";

// Binaries and the signing key of this run go to a directory of their own.
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "sdm-firmware-"));

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const version = `9.${Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 1000)}`;
const binary = randomBytes(200_000);
const meterId = `MM${700_000 + Math.floor(Math.random() * 99_999)}`;
const collarId = `CO${700_000 + Math.floor(Math.random() * 99_999)}`;
let fixture: ApiFixture;
let meterAuth: string;
let collarAuth: string;

function upload(key: string, fields: Record<string, string>, file: Buffer | null = binary) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append("file", new Blob([new Uint8Array(file)]), "milk-meter.bin");
  return versionsRoute.POST(new Request("http://localhost/api/v1/iot/firmware/versions", { method: "POST", headers: { "X-API-Key": key }, body: form }), noParams);
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

function download(id: number, headers: Record<string, string>) {
  return downloadRoute.GET(new Request(`http://localhost/api/v1/iot/firmware/versions/${id}/download`, { headers }), withParams({ id: String(id) }));
}

beforeAll(async () => {
  fixture = await createApiFixture(db, "FW", suffix);
  const meter = await db.device.create({ data: { deviceId: meterId, name: "Meter", deviceType: "milk_meter", farmId: fixture.farmA, state: "active" } });
  const collar = await db.device.create({ data: { deviceId: collarId, name: "Collar", deviceType: "collar", farmId: fixture.farmA, state: "active" } });
  const meterCredentials = await issueDeviceCredentials(db, meter);
  const collarCredentials = await issueDeviceCredentials(db, collar);
  meterAuth = basic(meterCredentials.username, meterCredentials.password);
  collarAuth = basic(collarCredentials.username, collarCredentials.password);
});

afterAll(async () => {
  await db.firmwareVersion.deleteMany({ where: { version: { startsWith: version } } });
  await removeApiFixture(db, fixture, [meterId, collarId]);
  await disconnectDb();
});

describe("firmware upload, states and download", () => {
  let id: number;

  it("stores the upload with its size and SHA-256, as a draft with a verifiable signed manifest", async () => {
    const response = await upload(fixture.keys.admin, { name: "Milk meter", version, deviceType: "milk_meter", compatibleModels: "MM-100, MM-200", minPreviousVersion: "2.0.0" });
    expect(response.status).toBe(201);
    const body = await response.json();
    id = body.id;
    expect(body).toMatchObject({ state: "draft", sizeBytes: binary.length, sha256: createHash("sha256").update(binary).digest("hex"), compatibleModels: ["MM-100", "MM-200"] });

    const key = await (await signingKeyRoute.GET(apiRequest(fixture.keys.viewer, "GET", "/api/v1/iot/firmware/signing-key"), noParams)).json();
    const manifest = canonicalManifest(manifestOf({ ...body, fileName: body.fileName }, key.keyId));
    expect(verifyManifest(key.pem, manifest, body.signature)).toBe(true);
    expect(verifyManifest(key.pem, manifest.replace(body.sha256, "0".repeat(64)), body.signature)).toBe(false);
  });

  it("refuses a duplicate version, an empty file, no file, a bad version and a viewer", async () => {
    const duplicate = await upload(fixture.keys.admin, { name: "Again", version, deviceType: "milk_meter" });
    expect(duplicate.status).toBe(409);
    expect((await duplicate.json()).error.fields.version).toBeDefined();
    const empty = await upload(fixture.keys.admin, { name: "Empty", version: `${version}-rc.1`, deviceType: "milk_meter" }, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.fields.file).toEqual(["The file is empty"]);
    const none = await upload(fixture.keys.admin, { name: "None", version: `${version}-rc.2`, deviceType: "milk_meter" }, null);
    expect(none.status).toBe(400);
    const bad = await upload(fixture.keys.admin, { name: "Bad", version: "latest", deviceType: "tractor" });
    expect(bad.status).toBe(400);
    const fields = (await bad.json()).error.fields;
    expect(Object.keys(fields).sort()).toEqual(["deviceType", "version"]);
    expect((await upload(fixture.keys.viewer, { name: "V", version: `${version}-rc.3`, deviceType: "milk_meter" })).status).toBe(403);
    expect(await db.firmwareVersion.count({ where: { version: { startsWith: `${version}-rc` } } })).toBe(0);
  });

  it("keeps a draft from devices, then serves it whole and by range once released", async () => {
    expect((await download(id, { authorization: meterAuth })).status).toBe(404);
    const move = (state: string, key = fixture.keys.admin) =>
      stateRoute.POST(apiRequest(key, "POST", `/api/v1/iot/firmware/versions/${id}/state`, { state }), withParams({ id: String(id) }));
    expect((await move("stable")).status).toBe(409);
    expect((await move("testing", fixture.keys.technician)).status).toBe(403);
    expect((await move("testing")).status).toBe(200);

    const whole = await download(id, { authorization: meterAuth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(binary)).toBe(true);

    const part = await download(id, { authorization: meterAuth, range: "bytes=1000-1999" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${binary.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(binary.subarray(1000, 2000))).toBe(true);

    const tail = await download(id, { authorization: meterAuth, range: `bytes=${binary.length - 10}-` });
    expect(Buffer.from(await tail.arrayBuffer()).equals(binary.subarray(binary.length - 10))).toBe(true);
    expect((await download(id, { authorization: meterAuth, range: `bytes=${binary.length + 5}-` })).status).toBe(416);

    expect((await download(id, { authorization: collarAuth })).status).toBe(404);
    expect((await download(id, { authorization: basic(`dev-${meterId}`, "wrong") })).status).toBe(401);
    expect((await download(id, { "x-api-key": "sdm_unknown-key" })).status).toBe(401);

    expect((await move("stable")).status).toBe(200);
    const stuck = await move("draft");
    expect(stuck.status).toBe(409);
    expect((await stuck.json()).error.message).toMatch(/stable version cannot become draft/);
  });

  it("lists versions with their installed counts", async () => {
    await db.device.update({ where: { deviceId: meterId }, data: { firmwareId: id } });
    const list = await (await versionsRoute.GET(apiRequest(fixture.keys.viewer, "GET", "/api/v1/iot/firmware/versions?deviceType=milk_meter"), noParams)).json();
    expect(list.data.find((item: { id: number }) => item.id === id)).toMatchObject({ installedCount: 1, state: "stable", allowedStates: ["deprecated"] });
  });
});
