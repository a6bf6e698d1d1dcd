/**
 * Where firmware binaries live: a local directory by default, an S3-compatible bucket (AWS, MinIO,
 * Ceph, R2…) when configured. Both sides of the product see one interface: a file is written once
 * under a key, then read whole or by byte range (devices on a weak barn uplink resume downloads).
 */
import type { Readable } from "node:stream";

export type ByteRange = { start: number; end: number };

export type StoredObject = {
  /** The whole object's size, whatever range was asked for. */
  size: number;
  body: Readable;
};

export interface BlobStore {
  /** "local" or "s3", for the admin pages and logs. */
  readonly kind: "local" | "s3";
  /** Moves a fully written, already hashed local file into the store under `key`. */
  putFile(key: string, file: string, meta: { size: number; sha256: string; contentType?: string }): Promise<void>;
  /** The object, or the bytes start..end (inclusive) of it; null when there is no such key. */
  open(key: string, range?: ByteRange): Promise<StoredObject | null>;
  remove(key: string): Promise<void>;
}

/** Keys are ours (firmware/<type>/<version>-<hash>.bin), never a user's path: refuse anything else. */
export function assertSafeKey(key: string) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,250}$/.test(key) || key.includes("..") || key.includes("//")) {
    throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
}
