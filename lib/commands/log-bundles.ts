/**
 * Log bundles (issue 15 item 4): a device answering `get_logs` PUTs a gzip file of its log lines to
 * the one-time URL the worker gave it; the bundle is checked (token, size, SHA-256, really gzip)
 * and kept in the blob store firmware already uses, then listed, downloaded and read in the
 * browser. A refused upload stores nothing and is counted on the bundle, so a device that keeps
 * sending garbage shows up.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import { loadConfig } from "../config/env";
import type { Db } from "../db";
import { ConflictError, DomainError, InvalidError, NotFoundError, PayloadTooLargeError } from "../errors";
import { getBlobStore, type BlobStore } from "../storage";
import { receiveToTempFile, UploadTooLargeError } from "../storage/receive-file";
import { hashUploadToken, uploadTokenMatches } from "./log-upload-token";
import { LastLines, lineMatcher, parseLevelFilter, type LogLine } from "./log-lines";

export type LogBundleServices = {
  store: BlobStore;
  tmpDir: string;
  /** Largest gzip file accepted. */
  maxBytes: number;
  /** Largest the lines may be once unpacked (a gzip bomb stops here). */
  maxUnpackedBytes: number;
};

/** Unpacked text may be this many times the gzip (log text packs 5–15×; a bomb packs 1000×). */
const UNPACK_RATIO = 16;

export function logBundleServices(): LogBundleServices {
  const config = loadConfig();
  return { store: getBlobStore(), tmpDir: path.resolve(config.DATA_DIR, "tmp"), maxBytes: config.LOG_BUNDLE_MAX_BYTES, maxUnpackedBytes: config.LOG_BUNDLE_MAX_BYTES * UNPACK_RATIO };
}

/** 410: the upload URL's time is up (the command timed out meanwhile). */
export class UploadExpiredError extends DomainError {
  constructor() {
    super("The upload URL has expired; send get_logs again for a new one.", 410, "expired");
  }
}

/** 415: the bytes are not a gzip file (or one that does not unpack). */
export class NotGzipError extends DomainError {
  constructor(detail: string) {
    super(`The upload is not a valid gzip file: ${detail}.`, 415, "unsupported_media_type");
  }
}

export class UploadRefusedError extends DomainError {
  constructor(message: string, status: number, code: string) {
    super(message, status, code);
  }
}

const BUNDLE_ID = /^[1-9]\d{0,9}$/;

export type LogUpload = {
  deviceId: string;
  bundleId: string;
  token: string | null;
  /** X-Content-SHA256: hex SHA-256 of the gzip bytes as the device computed them. */
  sha256: string | null;
  contentLength: string | null;
  body: Readable | null;
};

export type StoredBundle = { bundleId: number; sizeBytes: number; sha256: string; lineCount: number };

/** Counts the lines of a gzip file, unpacking at most `maxUnpacked` bytes; throws NotGzipError. */
export async function countGzipLines(file: string, maxUnpacked: number): Promise<number> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(file, { start: 0, end: 1 })
      .on("data", (chunk) => chunks.push(chunk as Buffer))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
  });
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) throw new NotGzipError("it does not start with the gzip signature (1f 8b)");
  let unpacked = 0;
  let newlines = 0;
  let last = 0x0a;
  try {
    for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      unpacked += chunk.length;
      if (unpacked > maxUnpacked) throw new NotGzipError(`it unpacks to more than ${Math.round(maxUnpacked / 1024 / 1024)} MB`);
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines += 1;
      last = chunk[chunk.length - 1] ?? last;
    }
  } catch (error) {
    if (error instanceof NotGzipError) throw error;
    throw new NotGzipError(`it does not unpack (${error instanceof Error ? error.message : String(error)})`);
  }
  return newlines + (unpacked > 0 && last !== 0x0a ? 1 : 0);
}

/**
 * The device's PUT: authorised by the one-time token alone (no session, no API key). The bytes go
 * to a temporary file while counted and hashed, are checked, and only then moved into the store;
 * the bundle is marked stored in one conditional update, so two uploads racing with the same
 * token store one bundle. Every refusal of an identified bundle is counted on it.
 */
export async function receiveLogUpload(db: Db, services: LogBundleServices, upload: LogUpload): Promise<StoredBundle> {
  const notFound = () => new NotFoundError("No such log bundle for this device.");
  if (!BUNDLE_ID.test(upload.bundleId)) throw notFound();
  const bundle = await db.deviceLogBundle.findUnique({
    where: { id: Number(upload.bundleId) },
    select: { id: true, state: true, uploadTokenHash: true, uploadExpiresAt: true, device: { select: { deviceId: true } } },
  });
  // A bundle of another device is not identified by this URL: nothing to count it on.
  if (!bundle || bundle.device.deviceId !== upload.deviceId) throw notFound();

  const refuse = async (error: DomainError): Promise<never> => {
    await db.deviceLogBundle.update({ where: { id: bundle.id }, data: { refusedUploads: { increment: 1 }, lastRefusal: error.message.slice(0, 300) } });
    throw error;
  };

  if (!upload.token || !uploadTokenMatches(upload.token, bundle.uploadTokenHash)) {
    return refuse(new UploadRefusedError("The upload token is wrong or was already used.", 403, "forbidden"));
  }
  if (bundle.state !== "awaiting_upload") return refuse(new ConflictError(`This log bundle is ${bundle.state}; it takes no more uploads.`));
  if (!bundle.uploadExpiresAt || bundle.uploadExpiresAt.getTime() < Date.now()) return refuse(new UploadExpiredError());
  const claimed = upload.sha256?.trim().toLowerCase() ?? "";
  if (!/^[0-9a-f]{64}$/.test(claimed)) return refuse(new InvalidError("The X-Content-SHA256 header must be the hex SHA-256 of the gzip bytes.", { "x-content-sha256": ["64 hex digits"] }));
  const declared = Number(upload.contentLength ?? NaN);
  if (declared > services.maxBytes) return refuse(new PayloadTooLargeError(services.maxBytes, "The log bundle"));
  if (!upload.body) return refuse(new NotGzipError("the request has no body"));

  let received;
  try {
    received = await receiveToTempFile(upload.body, { tmpDir: services.tmpDir, maxBytes: services.maxBytes });
  } catch (error) {
    if (error instanceof UploadTooLargeError) return refuse(new PayloadTooLargeError(services.maxBytes, "The log bundle"));
    throw error;
  }
  const key = `logs/${upload.deviceId}/${bundle.id}-${randomUUID()}.log.gz`;
  let put = false;
  try {
    if (received.sha256 !== claimed) return await refuse(new InvalidError(`Checksum mismatch: the bytes received hash to ${received.sha256}, the device said ${claimed}.`, { "x-content-sha256": ["does not match the body"] }));
    const lineCount = await countGzipLines(received.file, services.maxUnpackedBytes).catch((error: unknown) => (error instanceof NotGzipError ? refuse(error) : Promise.reject(error)));
    await services.store.putFile(key, received.file, { size: received.size, sha256: received.sha256, contentType: "application/gzip" });
    put = true;
    const stored = await db.deviceLogBundle.updateMany({
      where: { id: bundle.id, state: "awaiting_upload", uploadTokenHash: hashUploadToken(upload.token) },
      data: { state: "stored", storageKey: key, sizeBytes: received.size, sha256: received.sha256, lineCount, uploadedAt: new Date(), uploadTokenHash: null },
    });
    if (stored.count === 0) return await refuse(new ConflictError("This log bundle was stored by another upload meanwhile."));
    put = false;
    return { bundleId: bundle.id, sizeBytes: received.size, sha256: received.sha256, lineCount };
  } finally {
    // Stored and recorded, or nothing: an object the bundle does not point to is removed, and the
    // temporary file always goes (the local store moves it; S3 only reads it).
    if (put) await services.store.remove(key).catch(() => undefined);
    await rm(received.file, { force: true });
  }
}

// ------------------------------------------------------------------ reading

export type LogBundleView = {
  id: number;
  commandId: string;
  commandStatus: string;
  state: "awaiting_upload" | "stored" | "failed";
  logTypes: string[];
  timeRangeHours: number;
  sizeBytes: number | null;
  lineCount: number | null;
  sha256: string | null;
  refusedUploads: number;
  lastRefusal: string | null;
  requestedBy: string | null;
  createdAt: string;
  uploadedAt: string | null;
};

const VIEW_SELECT = {
  id: true,
  state: true,
  logTypes: true,
  timeRangeHours: true,
  sizeBytes: true,
  lineCount: true,
  sha256: true,
  refusedUploads: true,
  lastRefusal: true,
  createdAt: true,
  uploadedAt: true,
  storageKey: true,
  command: { select: { commandId: true, status: true, requestedBy: true } },
} as const;

type BundleRow = {
  id: number;
  state: LogBundleView["state"];
  logTypes: string[];
  timeRangeHours: number;
  sizeBytes: number | null;
  lineCount: number | null;
  sha256: string | null;
  refusedUploads: number;
  lastRefusal: string | null;
  createdAt: Date;
  uploadedAt: Date | null;
  command: { commandId: string; status: string; requestedBy: string | null };
};

function view(row: BundleRow): LogBundleView {
  return {
    id: row.id,
    commandId: row.command.commandId,
    commandStatus: row.command.status,
    state: row.state,
    logTypes: row.logTypes,
    timeRangeHours: row.timeRangeHours,
    sizeBytes: row.sizeBytes,
    lineCount: row.lineCount,
    sha256: row.sha256,
    refusedUploads: row.refusedUploads,
    lastRefusal: row.lastRefusal,
    requestedBy: row.command.requestedBy,
    createdAt: row.createdAt.toISOString(),
    uploadedAt: row.uploadedAt?.toISOString() ?? null,
  };
}

/** The device as the actor may see it: another farm's device does not exist (404). */
async function visibleDevice(db: Db, actor: Actor, deviceId: string) {
  const device = await db.device.findUnique({ where: { deviceId }, select: { id: true, deviceId: true, name: true, farmId: true } });
  const scope = farmScope(actor);
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError(`No device has the id “${deviceId}”.`);
  return device;
}

async function visibleBundle(db: Db, actor: Actor, deviceId: string, bundleId: number | string) {
  const device = await visibleDevice(db, actor, deviceId);
  const id = typeof bundleId === "number" ? bundleId : BUNDLE_ID.test(bundleId) ? Number(bundleId) : NaN;
  const row = Number.isInteger(id) ? await db.deviceLogBundle.findFirst({ where: { id, deviceId: device.id }, select: VIEW_SELECT }) : null;
  if (!row) throw new NotFoundError(`Device ${deviceId} has no log bundle ${bundleId}.`);
  return { device, row };
}

/** A device's bundles, newest first (the last 100: older ones are there to download, rarely read). */
export async function listLogBundles(db: Db, actor: Actor, deviceId: string, limit = 100): Promise<LogBundleView[]> {
  const device = await visibleDevice(db, actor, deviceId);
  const rows = await db.deviceLogBundle.findMany({ where: { deviceId: device.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: Math.min(Math.max(limit, 1), 500), select: VIEW_SELECT });
  return rows.map(view);
}

export async function getLogBundle(db: Db, actor: Actor, deviceId: string, bundleId: number | string): Promise<{ device: { deviceId: string; name: string }; bundle: LogBundleView }> {
  const { device, row } = await visibleBundle(db, actor, deviceId, bundleId);
  return { device: { deviceId: device.deviceId, name: device.name }, bundle: view(row) };
}

function notStored(row: { state: string; id: number }) {
  return new ConflictError(row.state === "failed" ? `Log bundle ${row.id} failed: the device sent no logs.` : `Log bundle ${row.id} has not been uploaded yet.`);
}

/** The gzip file as stored, for a download. */
export async function openLogBundle(db: Db, store: BlobStore, actor: Actor, deviceId: string, bundleId: number | string) {
  const { device, row } = await visibleBundle(db, actor, deviceId, bundleId);
  if (row.state !== "stored" || !row.storageKey) throw notStored(row);
  const object = await store.open(row.storageKey);
  if (!object) throw new NotFoundError(`Log bundle ${row.id} is missing from storage.`);
  const stamp = (row.uploadedAt ?? row.createdAt).toISOString().replace(/[:.]/g, "-");
  return { fileName: `${device.deviceId}-logs-${row.id}-${stamp}.log.gz`, size: object.size, sha256: row.sha256, body: object.body };
}

export const READ_LIMIT_DEFAULT = 2_000;
export const READ_LIMIT_MAX = 10_000;

export type LogBundleReading = {
  device: { deviceId: string; name: string };
  bundle: LogBundleView;
  lines: LogLine[];
  /** Lines that match the filter (all of them are counted, the last `limit` shown). */
  matched: number;
  total: number;
  /** Only the newest `limit` matching lines are in `lines`. */
  truncated: boolean;
};

/**
 * The bundle's lines for the viewer, unpacked as a stream: `level` "warn" = WARN and ERROR (at
 * or above), "=warn" = WARN only; `search` is case-insensitive over the whole line. The newest
 * matching lines come last, at most `limit` of them.
 */
/** Longest line the viewer shows; the rest of it is cut (the download has it whole). */
export const MAX_LINE_CHARS = 8_192;

export async function readLogBundle(
  db: Db,
  store: BlobStore,
  actor: Actor,
  deviceId: string,
  bundleId: number | string,
  filter: { search?: string | null; level?: string | null; limit?: number | null } = {},
): Promise<LogBundleReading> {
  const { device, row } = await visibleBundle(db, actor, deviceId, bundleId);
  if (row.state !== "stored" || !row.storageKey) throw notStored(row);
  const level = parseLevelFilter(filter.level);
  if (filter.level && !level) throw new InvalidError("Unknown level.", { level: ["one of trace, debug, info, warn, error (prefix = for exactly that level)"] });
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? READ_LIMIT_DEFAULT), 1), READ_LIMIT_MAX);
  const object = await store.open(row.storageKey);
  if (!object) throw new NotFoundError(`Log bundle ${row.id} is missing from storage.`);
  const last = new LastLines(limit, lineMatcher({ search: filter.search, level }));
  // One pass over each chunk, and a line cut at MAX_LINE_CHARS: a device's bundle of one endless
  // line must not cost the web process quadratic scanning or an answer of hundreds of MB.
  let line = "";
  let cut = false;
  const take = (piece: string) => {
    if (cut) return;
    line += piece;
    if (line.length > MAX_LINE_CHARS) {
      line = `${line.slice(0, MAX_LINE_CHARS)} …[line cut]`;
      cut = true;
    }
  };
  const end = () => {
    last.push(line.replace(/\r$/, ""));
    line = "";
    cut = false;
  };
  const decoder = new TextDecoder("utf-8");
  const gunzip = object.body.pipe(createGunzip());
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n", start)) {
      take(text.slice(start, newline));
      end();
      start = newline + 1;
    }
    take(text.slice(start));
  }
  take(decoder.decode());
  if (line) end();
  return { device: { deviceId: device.deviceId, name: device.name }, bundle: view(row), ...last.result() };
}

/** The stream an upload route hands over (web ReadableStream → Node stream). */
export function nodeBody(body: ReadableStream<Uint8Array> | null): Readable | null {
  return body ? Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>) : null;
}
