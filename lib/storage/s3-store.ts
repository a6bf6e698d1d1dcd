/**
 * Binaries in an S3-compatible bucket, signed with AWS Signature V4 by aws4fetch (a small, kept
 * library over fetch; the AWS SDK would be megabytes for three calls). Path-style URLs
 * (endpoint/bucket/key) so MinIO and Ceph work without DNS per bucket.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { AwsClient } from "aws4fetch";
import { assertSafeKey, type BlobStore, type ByteRange, type StoredObject } from "./blob-store";

export type S3Options = { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };

export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private readonly client: AwsClient;
  /**
   * aws4fetch retries a 5xx or 429 answer by sending the same request again, which a streamed body
   * cannot be: a bucket's "503 SlowDown" on upload failed as "Response body object should not be
   * disturbed or locked". Uploads are sent once and a refusal is reported as such.
   */
  private readonly uploadClient: AwsClient;

  constructor(private readonly options: S3Options) {
    const credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, region: options.region, service: "s3" };
    this.client = new AwsClient(credentials);
    this.uploadClient = new AwsClient({ ...credentials, retries: 0 });
  }

  private urlOf(key: string) {
    assertSafeKey(key);
    const base = this.options.endpoint.replace(/\/+$/, "");
    return `${base}/${encodeURIComponent(this.options.bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  }

  async putFile(key: string, file: string, meta: { size: number; sha256: string; contentType?: string }) {
    // The payload hash is known from the upload, so the body can stream and still be signed.
    const response = await this.uploadClient.fetch(this.urlOf(key), {
      method: "PUT",
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      headers: {
        "content-length": String(meta.size),
        "content-type": meta.contentType ?? "application/octet-stream",
        "x-amz-content-sha256": meta.sha256,
      },
      // Node's fetch needs this to send a stream body.
      duplex: "half",
    } as RequestInit);
    if (!response.ok) throw new Error(`S3 PUT ${key} failed: ${response.status} ${await response.text()}`);
  }

  async open(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const response = await this.client.fetch(this.urlOf(key), { headers: range ? { range: `bytes=${range.start}-${range.end}` } : {} });
    if (response.status === 404) return null;
    if (!response.ok || !response.body) throw new Error(`S3 GET ${key} failed: ${response.status}`);
    // 206 answers "bytes a-b/size"; 200 the whole object.
    const total = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1] ?? response.headers.get("content-length");
    return { size: Number(total), body: Readable.fromWeb(response.body as never) };
  }

  async remove(key: string) {
    const response = await this.client.fetch(this.urlOf(key), { method: "DELETE" });
    if (!response.ok && response.status !== 404) throw new Error(`S3 DELETE ${key} failed: ${response.status}`);
  }
}
