import path from "node:path";
import { loadConfig } from "../config/env";
import type { BlobStore } from "./blob-store";
import { LocalBlobStore } from "./local-store";
import { S3BlobStore } from "./s3-store";

export type { BlobStore, ByteRange, StoredObject } from "./blob-store";

let store: BlobStore | undefined;

/** The configured store: S3 when STORAGE_S3_BUCKET is set, else DATA_DIR/storage. */
export function getBlobStore(): BlobStore {
  if (store) return store;
  const config = loadConfig();
  store = config.STORAGE_S3_BUCKET
    ? new S3BlobStore({
        endpoint: config.STORAGE_S3_ENDPOINT,
        bucket: config.STORAGE_S3_BUCKET,
        region: config.STORAGE_S3_REGION,
        accessKeyId: config.STORAGE_S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: config.STORAGE_S3_SECRET_ACCESS_KEY ?? "",
      })
    : new LocalBlobStore(path.resolve(config.DATA_DIR, "storage"));
  return store;
}
