import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { buffer, text } from "node:stream/consumers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { S3BlobStore } from "./s3-store";

/** Just enough of a path-style S3 endpoint (as MinIO or Ceph serve it): objects in memory, byte ranges. */
const objects = new Map<string, Buffer>();
const requests: { method: string; url: string; headers: IncomingMessage["headers"] }[] = [];
let failWith: number | undefined;
const server = createServer(async (request, response) => {
  const body = await buffer(request);
  requests.push({ method: request.method!, url: request.url!, headers: request.headers });
  if (failWith) return response.writeHead(failWith).end("<Error><Code>SlowDown</Code></Error>");
  const stored = objects.get(request.url!);
  if (request.method === "PUT") {
    objects.set(request.url!, body);
    return response.writeHead(200).end();
  }
  if (request.method === "DELETE") {
    objects.delete(request.url!);
    return response.writeHead(204).end();
  }
  if (!stored) return response.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
  const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
  if (!range) return response.writeHead(200, { "content-length": stored.length }).end(stored);
  const [start, end] = [Number(range[1]), Math.min(Number(range[2]), stored.length - 1)];
  response.writeHead(206, { "content-range": `bytes ${start}-${end}/${stored.length}`, "content-length": end - start + 1 }).end(stored.subarray(start, end + 1));
});

const dir = mkdtempSync(path.join(os.tmpdir(), "sdm-s3-"));
let store: S3BlobStore;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  store = new S3BlobStore({ endpoint, bucket: "firmware-bucket", region: "eu-west-1", accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
  failWith = undefined;
});

describe("S3BlobStore", () => {
  const key = "firmware/milk_meter/2.1.0-ab12.bin";
  const bytes = Buffer.from("0123456789abcdef");
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  it("streams a file up path-style, signed (SigV4) with the payload hash known from the upload", async () => {
    const file = path.join(dir, "upload.part");
    writeFileSync(file, bytes);
    await store.putFile(key, file, { size: bytes.length, sha256 });
    const [put] = requests;
    expect(put?.method).toBe("PUT");
    expect(put?.url).toBe(`/firmware-bucket/${key}`);
    expect(put?.headers["x-amz-content-sha256"]).toBe(sha256);
    expect(put?.headers["content-type"]).toBe("application/octet-stream");
    expect(put?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=.*x-amz-content-sha256.*, Signature=[0-9a-f]{64}$/);
    expect(objects.get(`/firmware-bucket/${key}`)).toEqual(bytes);
  });

  it("serves the whole object, or a byte range with the whole object's size", async () => {
    const whole = await store.open(key);
    expect(whole?.size).toBe(16);
    expect(await text(whole!.body)).toBe("0123456789abcdef");

    const part = await store.open(key, { start: 4, end: 7 });
    expect(requests.at(-1)?.headers.range).toBe("bytes=4-7");
    expect(part?.size).toBe(16);
    expect(await text(part!.body)).toBe("4567");
  });

  it("answers null for a missing object and removes one (a missing one too)", async () => {
    expect(await store.open("firmware/milk_meter/none.bin")).toBeNull();
    await store.remove(key);
    expect(objects.has(`/firmware-bucket/${key}`)).toBe(false);
    expect(await store.open(key)).toBeNull();
    await expect(store.remove(key)).resolves.toBeUndefined();
  });

  it("reports a busy bucket's refusal of an upload as such, once (a streamed body cannot be sent again)", async () => {
    failWith = 503;
    const file = path.join(dir, "again.part");
    writeFileSync(file, bytes);
    await expect(store.putFile(key, file, { size: bytes.length, sha256 })).rejects.toThrow(`S3 PUT ${key} failed: 503 <Error><Code>SlowDown</Code></Error>`);
    expect(requests).toHaveLength(1);
  });

  it("reports other refusals with the status, and refuses unsafe keys before any request", async () => {
    failWith = 403;
    await expect(store.open(key)).rejects.toThrow(`S3 GET ${key} failed: 403`);
    await expect(store.remove(key)).rejects.toThrow(`S3 DELETE ${key} failed: 403`);
    requests.length = 0;
    await expect(store.open("../other-bucket/x")).rejects.toThrow(/Unsafe storage key/);
    expect(requests).toHaveLength(0);
  });
});
