import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { assertSafeKey } from "./blob-store";
import { LocalBlobStore } from "./local-store";
import { receiveToTempFile, UploadTooLargeError } from "./receive-file";

const base = mkdtempSync(path.join(os.tmpdir(), "sdm-store-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("assertSafeKey", () => {
  it("takes the store's own keys", () => {
    expect(() => assertSafeKey("firmware/milk_meter/2.1.0-ab12.bin")).not.toThrow();
  });

  it("refuses anything that could leave the store's directory or is not one of its keys", () => {
    for (const key of ["../etc/passwd", "firmware/../../x", "/etc/passwd", "firmware//x.bin", "", ".hidden", "a b.bin", "x".repeat(252)]) {
      expect(() => assertSafeKey(key), key).toThrow(/Unsafe storage key/);
    }
  });
});

describe("receiveToTempFile", () => {
  const tmpDir = path.join(base, "tmp");

  it("writes the upload to a private temporary file, counting and hashing it", async () => {
    const bytes = Buffer.from("firmware image ".repeat(1000));
    const received = await receiveToTempFile(Readable.from([bytes.subarray(0, 7000), bytes.subarray(7000)]), { tmpDir, maxBytes: 1024 * 1024 });
    expect(received.size).toBe(bytes.length);
    expect(received.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(path.dirname(received.file)).toBe(tmpDir);
    expect(readFileSync(received.file)).toEqual(bytes);
  });

  it("stops over the limit, says the limit in MB and leaves no partial file", async () => {
    const before = readdirSync(tmpDir).length;
    const tooBig = Readable.from([Buffer.alloc(600 * 1024), Buffer.alloc(600 * 1024)]);
    await expect(receiveToTempFile(tooBig, { tmpDir, maxBytes: 1024 * 1024 })).rejects.toThrow(new UploadTooLargeError(1024 * 1024).message);
    expect(new UploadTooLargeError(64 * 1024 * 1024).message).toBe("The file is larger than 64 MB.");
    expect(readdirSync(tmpDir).length).toBe(before);
  });
});

describe("LocalBlobStore", () => {
  const store = new LocalBlobStore(path.join(base, "store"));
  const key = "firmware/collar/1.0.0-abc.bin";

  it("moves a file in under its key, then serves it whole or by an inclusive byte range", async () => {
    const file = path.join(base, "upload.part");
    writeFileSync(file, "0123456789");
    await store.putFile(key, file);
    expect(existsSync(file)).toBe(false);

    const whole = await store.open(key);
    expect(whole?.size).toBe(10);
    expect(await text(whole!.body)).toBe("0123456789");

    const part = await store.open(key, { start: 2, end: 5 });
    expect(part?.size).toBe(10);
    expect(await text(part!.body)).toBe("2345");
  });

  it("answers null for a key it does not hold, and forgets a removed one", async () => {
    expect(await store.open("firmware/collar/none.bin")).toBeNull();
    await store.remove(key);
    expect(await store.open(key)).toBeNull();
    await expect(store.remove(key)).resolves.toBeUndefined();
  });

  it("refuses an unsafe key before touching the disk", async () => {
    await expect(store.open("../outside")).rejects.toThrow(/Unsafe storage key/);
  });
});
