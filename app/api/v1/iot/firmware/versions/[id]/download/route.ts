/**
 * The firmware binary, for devices (HTTP Basic with their MQTT credentials) and for people or API
 * keys with firmware.read. Byte ranges (RFC 9110 §14) let a device on a weak link resume; the
 * SHA-256 is the ETag, so If-Range only resumes against the same bytes.
 */
import { Readable } from "node:stream";
import parseRange from "range-parser";
import { errorResponse, resolveActor } from "@/lib/api/with-api";
import type { Permission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { basicCredentials, deviceDownloader, firmwareBinary, type Downloader } from "@/lib/firmware/firmware-download";
import { firmwareIdParam } from "@/lib/firmware/firmware-schemas";
import { NotFoundError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

async function serve(request: Request, params: Promise<{ id: string }>, options: { withBody: boolean; permission: Permission }): Promise<Response> {
  try {
    const db = getDb();
    const id = firmwareIdParam.parse((await params).id);
    const basic = basicCredentials(request.headers.get("authorization"));
    const who: Downloader = basic ? await deviceDownloader(db, basic) : { kind: "actor", actor: await resolveActor(request) };
    const binary = await firmwareBinary(db, getBlobStore(), who, id, options.permission);
    const etag = `"${binary.sha256}"`;
    const headers = new Headers({
      "accept-ranges": "bytes",
      etag,
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${binary.fileName.replace(/"/g, "")}"`,
      "x-firmware-sha256": binary.sha256,
      "x-firmware-version": binary.version,
      "cache-control": "private, no-transform",
    });

    const rangeHeader = request.headers.get("range");
    const ifRange = request.headers.get("if-range");
    const useRange = rangeHeader && (!ifRange || ifRange === etag);
    let range: { start: number; end: number } | undefined;
    if (useRange) {
      const parsed = parseRange(binary.size, rangeHeader, { combine: true });
      if (parsed === -1) {
        headers.set("content-range", `bytes */${binary.size}`);
        return new Response(null, { status: 416, headers });
      }
      // -2 (malformed) or several ranges: answer the whole file, which RFC 9110 allows.
      if (parsed !== -2 && parsed.type === "bytes" && parsed.length === 1) range = parsed[0];
    }

    const status = range ? 206 : 200;
    const length = range ? range.end - range.start + 1 : binary.size;
    headers.set("content-length", String(length));
    if (range) headers.set("content-range", `bytes ${range.start}-${range.end}/${binary.size}`);
    if (!options.withBody) return new Response(null, { status, headers });
    const object = await binary.open(range);
    if (!object) throw new NotFoundError("The firmware binary is missing from storage.");
    return new Response(Readable.toWeb(object.body) as ReadableStream, { status, headers });
  } catch (error) {
    return errorResponse(error);
  }
}

/** People and API keys need firmware.read; devices their own credentials (HTTP Basic). */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return serve(request, context.params, { withBody: true, permission: "firmware.read" });
}

export function HEAD(request: Request, context: { params: Promise<{ id: string }> }) {
  return serve(request, context.params, { withBody: false, permission: "firmware.read" });
}
