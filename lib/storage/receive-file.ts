/**
 * Writes an incoming upload to a temporary file while counting and hashing it, so a 64 MB firmware
 * never sits in memory and its SHA-256 is known the moment the last byte lands. Over the limit,
 * the copy stops at once and the partial file is removed.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  }
}

export type ReceivedFile = { file: string; size: number; sha256: string };

export async function receiveToTempFile(source: Readable, options: { tmpDir: string; maxBytes: number }): Promise<ReceivedFile> {
  await mkdir(options.tmpDir, { recursive: true });
  const file = path.join(options.tmpDir, `upload-${randomUUID()}.part`);
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) return done(new UploadTooLargeError(options.maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return { file, size, sha256: hash.digest("hex") };
}
