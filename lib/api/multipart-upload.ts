/**
 * A multipart/form-data request read as a stream (busboy): the text fields into an object, the one
 * file part straight to a temp file through receiveToTempFile (counted, hashed, size-capped). The
 * request body is never held in memory, so a 64 MB firmware upload costs a few kilobytes of RAM.
 */
import { Readable } from "node:stream";
import busboy from "busboy";
import { InvalidError, PayloadTooLargeError } from "../errors";
import { tooLargeCause } from "./request-guards";
import { receiveToTempFile, UploadTooLargeError, type ReceivedFile } from "../storage/receive-file";

export type MultipartUpload = { fields: Record<string, string | string[]>; file: (ReceivedFile & { fileName: string; field: string; contentType: string }) | null };

export async function readMultipartUpload(request: Request, options: { tmpDir: string; maxBytes: number; fileField?: string }): Promise<MultipartUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new InvalidError("Send the file as multipart/form-data (a form with a file field).", { file: ["Send the file as multipart/form-data"] });
  }
  if (!request.body) throw new InvalidError("The request has no body.", { file: ["Choose a file"] });
  const declared = Number(request.headers.get("content-length") ?? NaN);
  const tooLarge = () => new PayloadTooLargeError(options.maxBytes, "The file", { [options.fileField ?? "file"]: [new UploadTooLargeError(options.maxBytes).message] });
  // Refuse early what cannot fit, before reading a byte of it.
  if (declared > options.maxBytes + 1024 * 1024) throw tooLarge();

  const fields: MultipartUpload["fields"] = {};
  let file: MultipartUpload["file"] = null;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fields: 40, fieldSize: 64 * 1024, parts: 50 } });
  } catch {
    throw new InvalidError("The form data could not be read (malformed multipart body).", { file: ["The upload could not be read"] });
  }
  const pending: Promise<void>[] = [];
  const done = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value) => {
      const existing = fields[name];
      fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    });
    parser.on("file", (name, stream, info) => {
      if (file || (options.fileField && name !== options.fileField)) {
        stream.resume();
        return;
      }
      const receiving = receiveToTempFile(stream, options).then((received) => {
        file = { ...received, fileName: info.filename || "upload.bin", field: name, contentType: info.mimeType || "application/octet-stream" };
      });
      // awaited below; a file over the limit fails it before the body has ended
      receiving.catch(() => {});
      pending.push(receiving);
    });
    parser.on("error", reject);
    parser.on("close", resolve);
  });
  try {
    const source = Readable.fromWeb(request.body as never);
    // pipe() does not pass a source's failure on: a body cut off at its limit would leave busboy waiting.
    const cut = new Promise<never>((_, reject) => source.once("error", reject));
    source.pipe(parser);
    await Promise.race([done, cut]);
    await Promise.all(pending);
  } catch (error) {
    // the part being written is abandoned and its temp file removed before the refusal is answered
    if (!parser.destroyed) parser.destroy();
    await Promise.allSettled(pending);
    const received = file as MultipartUpload["file"];
    if (received) await import("node:fs/promises").then((fs) => fs.rm(received.file, { force: true }));
    if (error instanceof UploadTooLargeError) throw tooLarge();
    const over = tooLargeCause(error);
    if (over) throw over;
    if (error instanceof InvalidError) throw error;
    throw new InvalidError("The upload could not be read (interrupted or malformed).", { file: ["The upload could not be read"] });
  }
  return { fields, file };
}
