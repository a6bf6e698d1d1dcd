/** Binaries in a directory of this server (DATA_DIR/firmware): the default, nothing to set up. */
import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { assertSafeKey, type BlobStore, type ByteRange, type StoredObject } from "./blob-store";

export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string) {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async putFile(key: string, file: string) {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(file, target);
    } catch (error) {
      // The upload's temp file may sit on another filesystem than the store (EXDEV).
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      await copyFile(file, target);
      await rm(file, { force: true });
    }
  }

  async open(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const file = this.pathOf(key);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return { size, body: createReadStream(file, range ? { start: range.start, end: range.end } : {}) };
  }

  async remove(key: string) {
    await rm(this.pathOf(key), { force: true });
  }
}
