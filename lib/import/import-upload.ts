/**
 * The uploaded file and its parameters, as the import routes receive them: multipart/form-data
 * (a `file` field; the parameters as fields or in the query string) or the raw file as the body
 * (its name in `X-File-Name` or `?fileName=`). Neither is ever held in memory whole: a raw body is
 * read as it arrives; a multipart body is streamed by busboy (lib/api/multipart-upload.ts) into a
 * temporary file under DATA_DIR/tmp, since its fields may follow the file (browsers send them in
 * the order the form was filled) and the reading options must be known before the file is read.
 * The caller calls `dispose()` when done (the file is removed, its stream closed).
 */
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { readMultipartUpload } from "../api/multipart-upload";
import { loadConfig } from "../config/env";
import { InvalidError, PayloadTooLargeError } from "../errors";
import { MAX_IMPORT_BYTES, tooLarge } from "./csv-reader";

const MULTIPART_ROOM = 1024 * 1024;
const RAW_TYPES = /^(text\/(csv|plain|tab-separated-values)|application\/(csv|octet-stream|vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|vnd\.oasis\.opendocument\.spreadsheet|vnd\.ms-excel))/;

export type ImportUpload = { source: ReadableStream<Uint8Array> | Readable; fileName: string | undefined; fields: Record<string, string>; dispose: () => Promise<void> };

export async function readImportUpload(request: Request, options: { maxBytes?: number; tmpDir?: string } = {}): Promise<ImportUpload> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const url = new URL(request.url);
  const contentType = request.headers.get("content-type") ?? "";
  const fields: Record<string, string> = Object.fromEntries(url.searchParams);
  // A body that says it is over the limit is refused before a byte of it is read (a quarter of a
  // gigabyte is a long wait on a farm's line); one that does not say is counted as it arrives.
  // Multipart's boundaries and fields get a megabyte of room above the file's own limit.
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + (contentType.startsWith("multipart/form-data") ? MULTIPART_ROOM : 0)) throw tooLarge(maxBytes);
  if (contentType.startsWith("multipart/form-data")) {
    const tmpDir = options.tmpDir ?? path.resolve(loadConfig().DATA_DIR, "tmp");
    let upload: Awaited<ReturnType<typeof readMultipartUpload>>;
    try {
      upload = await readMultipartUpload(request, { tmpDir, maxBytes, fileField: "file" });
    } catch (error) {
      // the same refusal, with the same words, as a raw body or a zip over the limit
      if (error instanceof PayloadTooLargeError) throw tooLarge(maxBytes);
      throw error;
    }
    for (const [key, value] of Object.entries(upload.fields)) fields[key] ??= Array.isArray(value) ? value[0]! : value;
    const file = upload.file;
    if (!file) throw new InvalidError("No file was sent.", { file: ["Send the file in a `file` field"] });
    const stream = createReadStream(file.file);
    return {
      source: stream,
      fileName: file.fileName,
      fields,
      dispose: async () => {
        stream.destroy();
        await rm(file.file, { force: true });
      },
    };
  }
  if (RAW_TYPES.test(contentType) || contentType === "") {
    if (!request.body) throw new InvalidError("No file was sent.", { file: ["Send the file as the request body"] });
    return { source: request.body, fileName: request.headers.get("x-file-name") ?? undefined, fields, dispose: async () => {} };
  }
  throw new InvalidError("Send the file as multipart/form-data, or as the body (text/csv, .xlsx or .ods).", { file: [`Unsupported content type ${contentType}`] });
}
