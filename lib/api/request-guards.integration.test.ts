/**
 * Request bodies are bounded per route before anything parses them, and a request without an API
 * key (so one a browser's cookie would authenticate) must come from the app's own pages, through
 * the real route handlers. The cookie half (a signed-in browser) is in e2e/hardening-web.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bulkRoute from "@/app/api/v1/devices/bulk/route";
import * as importRoute from "@/app/api/v1/iot/devices/import/route";
import * as versionsRoute from "@/app/api/v1/iot/firmware/versions/route";
import * as claimRoute from "@/app/api/v1/provisioning/claim/route";
import * as mosquittoUserRoute from "@/app/api/v1/broker/mosquitto/user/route";
import { disconnectDb, getDb } from "../db";
import { MAX_IMPORT_BYTES } from "../import/csv-reader";
import { assertSameOriginRequest } from "./request-guards";
import { apiRequest, createApiFixture, noParams, removeApiFixture, type ApiFixture } from "../testing/api-fixture";

// Read by loadConfig() on the first hook call, which comes after this line (fileParallelism is off).
const hookSecret = "request-guards-hook-secret-0123456789";
process.env.BROKER_HOOK_SECRET ??= hookSecret;
const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const MB = 1024 * 1024;
let fixture: ApiFixture;

/** A body of `size` bytes that counts how much of it anyone read. */
function countedBody(size: number, fill = 0x20) {
  const read = { bytes: 0 };
  const chunk = new Uint8Array(64 * 1024).fill(fill);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.bytes >= size) return controller.close();
      read.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, read };
}

function post(path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) {
  return new Request(`http://localhost${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

beforeAll(async () => {
  fixture = await createApiFixture(db, "RG", suffix);
});

afterAll(async () => {
  await removeApiFixture(db, fixture, []);
  await disconnectDb();
});

describe("bounded request bodies", () => {
  it("refuses an unauthenticated 8 MB claim by its declared length, reading none of it", async () => {
    const { stream, read } = countedBody(8 * MB);
    const response = await claimRoute.POST(post("/api/v1/provisioning/claim", stream, { "content-type": "application/json", "content-length": String(8 * MB) }));
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({ code: "payload_too_large", message: expect.stringContaining("16 KB") });
    expect(read.bytes).toBeLessThanOrEqual(128 * 1024); // at most what the stream buffers ahead
  });

  it("cuts off an 8 MB claim sent without a length at the limit, before it is parsed", async () => {
    const { stream, read } = countedBody(8 * MB);
    const response = await claimRoute.POST(post("/api/v1/provisioning/claim", stream, { "content-type": "application/json" }));
    expect(response.status).toBe(413);
    expect(read.bytes).toBeLessThan(512 * 1024);
  });

  it("bounds a broker hook's form body the same way", async () => {
    const { stream, read } = countedBody(8 * MB, 0x61);
    const response = await mosquittoUserRoute.POST(post("/api/v1/broker/mosquitto/user", stream, { "content-type": "application/x-www-form-urlencoded", "x-broker-hook-secret": process.env.BROKER_HOOK_SECRET! }));
    expect(response.status).toBe(413);
    expect(read.bytes).toBeLessThan(512 * 1024);
  });

  it("refuses a JSON body over 64 KB on an authenticated route with 413, and keeps a normal one", async () => {
    const { stream, read } = countedBody(MB);
    const big = await bulkRoute.POST(post("/api/v1/devices/bulk", stream, { "x-api-key": fixture.keys.admin, "content-type": "application/json" }), noParams);
    expect(big.status).toBe(413);
    expect(read.bytes).toBeLessThan(512 * 1024);
    const normal = await bulkRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/devices/bulk", { action: "maintenanceOn", target: { deviceIds: ["MM999999"] } }), noParams);
    expect(normal.status).not.toBe(413);
  });

  it("refuses a firmware upload over FIRMWARE_MAX_MB and a CSV over the import limit, naming the file field", async () => {
    const firmware = countedBody(200 * MB);
    const upload = await versionsRoute.POST(
      post("/api/v1/iot/firmware/versions", firmware.stream, { "x-api-key": fixture.keys.admin, "content-type": "multipart/form-data; boundary=x", "content-length": String(200 * MB) }),
      noParams,
    );
    expect(upload.status).toBe(413);
    expect((await upload.json()).error).toMatchObject({ code: "payload_too_large", message: "The file is larger than 64 MB, the most this endpoint accepts.", fields: { file: [expect.any(String)] } });
    expect(firmware.read.bytes).toBeLessThanOrEqual(128 * 1024);

    // The import's limit is sized for 1,000,000 rows: a body declared over it is refused unread (one
    // that does not declare its length is cut just past the limit: import-upload.integration.test.ts).
    const csv = countedBody(MAX_IMPORT_BYTES + 10 * MB, 0x0a);
    const imported = await importRoute.POST(
      post("/api/v1/iot/devices/import?dry_run=true", csv.stream, { "x-api-key": fixture.keys.admin, "content-type": "text/csv", "content-length": String(MAX_IMPORT_BYTES + 10 * MB) }),
      noParams,
    );
    expect(imported.status).toBe(413);
    expect((await imported.json()).error).toMatchObject({ code: "payload_too_large", message: expect.stringContaining(`${MAX_IMPORT_BYTES / MB} MB`) });
    expect(csv.read.bytes).toBeLessThanOrEqual(128 * 1024);
  });
});

describe("requests without an API key (a browser's cookie)", () => {
  const body = JSON.stringify({ action: "maintenanceOn", target: { deviceIds: ["MM999998"] } }); // no such device: nothing changes
  const send = (headers: Record<string, string>) => bulkRoute.POST(new Request("http://localhost:3000/api/v1/devices/bulk", { method: "POST", headers: { host: "localhost:3000", ...headers }, body }), noParams);

  it("refuses another origin, another site's fetch metadata and a form's content type with 403", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "http://localhost:4000", "content-type": "application/json" },
      { origin: "null", "content-type": "application/json" },
      { "sec-fetch-site": "same-site", "content-type": "application/json" },
      { "sec-fetch-site": "cross-site", origin: "https://evil.example", "content-type": "application/json" },
      { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", "content-type": "text/plain" },
      { origin: "http://localhost:3000", "content-type": "application/x-www-form-urlencoded" },
    ]) {
      const response = await send(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it("lets the app's own requests through: JSON or an upload from its origin, a bodiless DELETE, a non-browser client", () => {
    const own = (headers: Record<string, string>, method = "POST") => new Request("http://localhost:3000/api/v1/x", { method, headers: { host: "localhost:3000", ...headers } });
    expect(() => assertSameOriginRequest(own({ origin: "http://localhost:3000", "sec-fetch-site": "same-origin", "content-type": "application/json", "content-length": "20" }), { kind: "json" })).not.toThrow();
    expect(() => assertSameOriginRequest(own({ origin: "http://localhost:3000", "content-type": "multipart/form-data; boundary=x", "content-length": "99" }), { kind: "upload", maxBytes: () => 1, envelope: 0, field: "file" })).not.toThrow();
    expect(() => assertSameOriginRequest(own({ origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }, "DELETE"), { kind: "json" })).not.toThrow();
    expect(() => assertSameOriginRequest(own({ "content-type": "application/json", "content-length": "20" }), { kind: "json" })).not.toThrow();
    // an upload route still takes no text/plain from a browser
    expect(() => assertSameOriginRequest(own({ origin: "http://localhost:3000", "content-type": "text/plain", "content-length": "9" }), { kind: "upload", maxBytes: () => 1, envelope: 0, field: "file" })).toThrow(/multipart/);
  });

  it("leaves API keys alone: a key's request needs no Origin and may send text/plain JSON", async () => {
    const response = await bulkRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/devices/bulk", body, { "content-type": "text/plain", origin: "https://elsewhere.example" }), noParams);
    expect(response.status).not.toBe(403);
  });
});
