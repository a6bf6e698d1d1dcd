/**
 * The OpenAPI operations of device log bundles (lib/commands/log-bundles.ts): an area merged into
 * buildOpenApiDocument (lib/api/openapi.ts, OPENAPI_AREAS) beside the commands'.
 */
import type { JsonSchema, OpenApiArea, OpenApiDocument, OpenApiOperation, OpenApiParameter } from "../api/openapi-helpers";
import { LOG_TYPES } from "./catalogue";
import { LOG_LEVELS } from "./log-lines";

const TAGS = ["Devices"];
const error = (name: "BadRequest" | "Unauthorized" | "Forbidden" | "NotFound" | "Conflict") => ({ $ref: `#/components/responses/${name}` });
const CALLER = { "401": error("Unauthorized"), "403": error("Forbidden") };
const failure = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const deviceId: OpenApiParameter = { name: "id", in: "path", required: true, description: "The device id, e.g. MM001", schema: { type: "string", pattern: "^[A-Z]{2}[0-9]{3,6}$" } };
const bundleId: OpenApiParameter = { name: "bundleId", in: "path", required: true, description: "The log bundle's id (bundle_id in the get_logs command)", schema: { type: "integer", minimum: 1 } };

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] });
const dateTime: JsonSchema = { type: "string", format: "date-time" };

const bundle: JsonSchema = {
  type: "object",
  required: ["id", "commandId", "commandStatus", "state", "logTypes", "timeRangeHours", "sizeBytes", "lineCount", "sha256", "refusedUploads", "lastRefusal", "requestedBy", "createdAt", "uploadedAt"],
  properties: {
    id: { type: "integer" },
    commandId: { type: "string", description: "The get_logs command that asked for it" },
    commandStatus: { type: "string" },
    state: { type: "string", enum: ["awaiting_upload", "stored", "failed"] },
    logTypes: { type: "array", items: { type: "string", enum: [...LOG_TYPES] } },
    timeRangeHours: { type: "integer" },
    sizeBytes: nullable({ type: "integer" }),
    lineCount: nullable({ type: "integer" }),
    sha256: nullable({ type: "string", description: "SHA-256 of the gzip file" }),
    refusedUploads: { type: "integer", description: "Uploads refused (wrong token, size, checksum, not gzip): nothing was stored" },
    lastRefusal: nullable({ type: "string" }),
    requestedBy: nullable({ type: "string" }),
    createdAt: dateTime,
    uploadedAt: nullable(dateTime),
  },
};

const line: JsonSchema = {
  type: "object",
  required: ["n", "time", "level", "source", "message"],
  properties: {
    n: { type: "integer", description: "1-based position in the bundle" },
    time: nullable({ type: "string" }),
    level: nullable({ type: "string", enum: [...LOG_LEVELS] }),
    source: nullable({ type: "string" }),
    message: { type: "string", description: "The message, or the whole line when it is not in the log format" },
  },
};

function read(operationId: string, summary: string, description: string, op: Pick<OpenApiOperation, "parameters" | "responses">): OpenApiOperation {
  return { operationId, summary, description: `${description}\n\nRequires the \`devices.read\` permission.`, tags: TAGS, "x-permission": "devices.read", ...op };
}

const logsOpenApiPaths: OpenApiDocument["paths"] = {
  "/devices/{id}/logs": {
    get: read("listDeviceLogBundles", "A device's log bundles", "Bundles collected with the `get_logs` command, newest first (the last 100).", {
      parameters: [deviceId],
      responses: { "200": { description: "The bundles", content: { "application/json": { schema: { type: "object", required: ["data"], properties: { data: { type: "array", items: bundle } } } } } }, ...CALLER, "404": error("NotFound") },
    }),
  },
  "/devices/{id}/logs/{bundleId}": {
    get: read("downloadDeviceLogBundle", "Download a log bundle", "The gzip file as the device uploaded it (one log line per line: `ISO-time LEVEL source: message`). The ETag is its SHA-256.", {
      parameters: [deviceId, bundleId],
      responses: {
        "200": { description: "The .log.gz file", content: { "application/gzip": { schema: { type: "string", format: "binary" } } } },
        ...CALLER,
        "404": error("NotFound"),
        "409": failure("The bundle is not uploaded (yet), or its upload failed"),
      },
    }),
  },
  "/devices/{id}/logs/{bundleId}/lines": {
    get: read(
      "readDeviceLogBundle",
      "Read a log bundle's lines",
      "The lines parsed for a viewer, newest last. `level=warn` shows WARN and ERROR (at or above); `level==warn` (a leading `=`) shows WARN only; a line not in the log format keeps level null and follows the level of the line before it (a stack trace stays under its ERROR). `search` is case-insensitive over the whole line. At most `limit` matching lines (the newest) are returned; `truncated` says there were more.",
      {
        parameters: [
          deviceId,
          bundleId,
          { name: "search", in: "query", required: false, description: "Case-insensitive text", schema: { type: "string", maxLength: 200 } },
          { name: "level", in: "query", required: false, description: "trace, debug, info, warn or error: that level and above; prefix `=` for exactly that level", schema: { type: "string" } },
          { name: "limit", in: "query", required: false, description: "At most this many lines (default 2,000)", schema: { type: "integer", minimum: 1, maximum: 10000 } },
        ],
        responses: {
          "200": {
            description: "The matching lines",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["device", "bundle", "lines", "matched", "total", "truncated"],
                  properties: {
                    device: { type: "object", properties: { deviceId: { type: "string" }, name: { type: "string" } } },
                    bundle,
                    lines: { type: "array", items: line },
                    matched: { type: "integer" },
                    total: { type: "integer" },
                    truncated: { type: "boolean" },
                  },
                },
              },
            },
          },
          "400": error("BadRequest"),
          ...CALLER,
          "404": error("NotFound"),
          "409": failure("The bundle is not uploaded (yet), or its upload failed"),
        },
      },
    ),
  },
  "/iot/devices/{id}/logs/{bundleId}/upload": {
    put: {
      operationId: "uploadDeviceLogBundle",
      summary: "Upload a log bundle (devices)",
      description:
        "Where a device answering `get_logs` PUTs its gzip log bundle: the exact `upload_url` of the command. Authorised by the one-time `token` alone (no session, no API key): it is valid until the command times out and only once. " +
        "The body is the gzip file (Content-Type: application/gzip, at most LOG_BUNDLE_MAX_BYTES, default 20 MB) and `X-Content-SHA256` its hex SHA-256. A refused upload stores nothing and is counted on the bundle.",
      tags: TAGS,
      security: [],
      parameters: [
        deviceId,
        bundleId,
        { name: "token", in: "query", required: true, description: "The one-time upload token from the command's upload_url", schema: { type: "string" } },
      ],
      requestBody: { required: true, content: { "application/gzip": { schema: { type: "string", format: "binary" } } } },
      responses: {
        "201": {
          description: "Stored",
          content: {
            "application/json": {
              schema: { type: "object", required: ["bundleId", "sizeBytes", "sha256", "lineCount"], properties: { bundleId: { type: "integer" }, sizeBytes: { type: "integer" }, sha256: { type: "string" }, lineCount: { type: "integer" } } },
            },
          },
        },
        "400": failure("No or a malformed X-Content-SHA256, or the bytes do not hash to it"),
        "403": failure("The token is wrong or was already used"),
        "404": failure("No such bundle for this device"),
        "409": failure("The bundle is already stored or failed"),
        "410": failure("The upload URL has expired"),
        "415": failure("The body is not a gzip file, or unpacks to more than 16× the size limit"),
      },
    },
  },
};

export const logsOpenApi: OpenApiArea = { tags: [], paths: logsOpenApiPaths, schemas: {} };
