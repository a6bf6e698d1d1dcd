import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import type { OpenAPIV3_1 } from "openapi-types";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../auth/permissions";
import { deviceListQuerySchema } from "../devices/device-schemas";
import { buildOpenApiDocument, HTTP_METHODS, type OpenApiOperation } from "./openapi";

const API_DIR = path.resolve(import.meta.dirname, "../../app/api/v1");

type Handler = { path: string; method: string; permission: string | null; file: string };

/** Every route handler under app/api/v1, read from the files, so a new route must be documented. */
function routeHandlers(dir = API_DIR): Handler[] {
  const found: Handler[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...routeHandlers(full));
    else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
      const urlPath = "/" + path.relative(API_DIR, dir).split(path.sep).filter(Boolean).map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
      const source = readFileSync(full, "utf8");
      const exports = [...source.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)];
      exports.forEach((match, index) => {
        // the handler's own text: from its export to the next one
        const body = source.slice(match.index, exports[index + 1]?.index ?? source.length);
        found.push({ path: urlPath, method: match[1]!.toLowerCase(), permission: body.match(/permission:\s*"([a-z.]+)"/)?.[1] ?? null, file: path.relative(API_DIR, full) });
      });
    }
  }
  return found;
}

const document = buildOpenApiDocument();
const operations = Object.entries(document.paths).flatMap(([urlPath, item]) =>
  HTTP_METHODS.flatMap((method) => (item[method] ? [{ path: urlPath, method, operation: item[method] as OpenApiOperation }] : [])),
);

describe("the OpenAPI document of /api/v1", () => {
  const handlers = routeHandlers();

  it("finds the route handlers it checks against", () => {
    expect(existsSync(API_DIR)).toBe(true);
    expect(handlers.length).toBeGreaterThan(10);
    expect(handlers).toContainEqual(expect.objectContaining({ path: "/devices/{id}", method: "put" }));
  });

  it("documents every route handler that exists under app/api/v1", () => {
    const missing = handlers.filter((handler) => !document.paths[handler.path]?.[handler.method as (typeof HTTP_METHODS)[number]]).map((handler) => `${handler.method.toUpperCase()} ${handler.path} (${handler.file})`);
    expect(missing, "route handlers without documentation in lib/api/openapi.ts or an area module it merges").toEqual([]);
  });

  it("documents no operation that has no route handler", () => {
    const invented = operations.filter(({ path: urlPath, method }) => !handlers.some((handler) => handler.path === urlPath && handler.method === method)).map(({ path: urlPath, method }) => `${method.toUpperCase()} ${urlPath}`);
    expect(invented).toEqual([]);
  });

  it("names the permission each handler checks, and leaves public ones without security", () => {
    for (const handler of handlers) {
      const operation = document.paths[handler.path]![handler.method as (typeof HTTP_METHODS)[number]]!;
      if (handler.permission === null) {
        expect(operation.security, `${handler.method} ${handler.path} is public`).toEqual([]);
        expect(operation["x-permission"]).toBeUndefined();
      } else {
        expect(operation["x-permission"], `${handler.method} ${handler.path}`).toBe(handler.permission);
        expect(PERMISSIONS).toContain(operation["x-permission"]);
        expect(operation.responses["401"]).toBeDefined();
        expect(operation.responses["403"]).toBeDefined();
      }
    }
  });

  it("gives every parameter a name, a place and a schema, and every path template its parameters", () => {
    for (const { path: urlPath, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${urlPath}`;
      const parameters = operation.parameters ?? [];
      for (const parameter of parameters) {
        // header names are HTTP's own (Idempotency-Key); the others are identifiers
        expect(parameter.name, where).toMatch(parameter.in === "header" ? /^[A-Za-z][A-Za-z0-9-]*$/ : /^[A-Za-z][A-Za-z0-9_]*$/);
        expect(["query", "path", "header", "cookie"], where).toContain(parameter.in);
        expect(typeof parameter.schema, `${where} ${parameter.name}`).toBe("object");
        expect(Object.keys(parameter.schema).length, `${where} ${parameter.name} has an empty schema`).toBeGreaterThan(0);
        if (parameter.in === "path") expect(parameter.required, `${where} path parameter ${parameter.name}`).toBe(true);
        if (parameter.schema.type === "array") expect([parameter.style, parameter.explode], `${where} ${parameter.name}`).toEqual(["form", false]);
      }
      const keys = parameters.map((parameter) => `${parameter.in}:${parameter.name}`);
      expect(new Set(keys).size, `${where} repeats a parameter`).toBe(keys.length);
      const templated = [...urlPath.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(parameters.filter((parameter) => parameter.in === "path").map((parameter) => parameter.name).sort(), where).toEqual(templated);
    }
  });

  it("offers every device list filter of the zod schema as a query parameter", () => {
    const names = document.paths["/devices"]!.get!.parameters!.map((parameter) => parameter.name);
    expect(names.sort()).toEqual(Object.keys(deviceListQuerySchema.shape).sort());
    const pageSize = document.paths["/devices"]!.get!.parameters!.find((parameter) => parameter.name === "pageSize")!;
    expect(pageSize.schema.enum).toEqual([25, 50, 100, 200]);
  });

  it("requires deviceId, name, deviceType and farmId to register a device, and refuses unknown fields", () => {
    const create = document.components.schemas.DeviceCreate as { required: string[]; properties: Record<string, { pattern?: string }>; additionalProperties: boolean };
    expect(create.required.sort()).toEqual(["deviceId", "deviceType", "farmId", "name"]);
    expect(create.properties.deviceId!.pattern).toBe("^[A-Z]{2}[0-9]{3,6}$");
    expect(create.additionalProperties).toBe(false);
    // the input side of z.preprocess: a date is sent as YYYY-MM-DD, not the Date it becomes
    expect(JSON.stringify(create.properties.purchaseDate)).toContain("\\\\d{4}-\\\\d{2}-\\\\d{2}");
    expect(document.paths["/devices"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/DeviceCreate" });
  });

  it("describes failures as { error: { code, message, fields? } }", () => {
    const error = document.components.schemas.Error as { properties: { error: { required: string[]; properties: Record<string, unknown> } } };
    expect(error.properties.error.required.sort()).toEqual(["code", "message"]);
    expect(Object.keys(error.properties.error.properties).sort()).toEqual(["code", "fields", "message"]);
    for (const name of ["BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict"]) expect(document.components.responses[name]).toBeDefined();
  });

  it("is a valid OpenAPI 3.1 document (schema, unique operation ids, resolvable $refs)", async () => {
    const result = await validate(structuredClone(document) as unknown as OpenAPIV3_1.Document);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.specification).toBe("OpenAPI");
    expect(document.openapi).toBe("3.1.0");
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});

describe("bounded bodies", () => {
  it("documents 413 on every operation that takes a body, and on none that does not", () => {
    const document = buildOpenApiDocument();
    const changes = Object.values(document.paths).flatMap((item) => (["put", "post", "patch", "delete"] as const).map((method) => item[method]).filter((op) => op !== undefined));
    expect(changes.length).toBeGreaterThan(10);
    for (const op of changes) expect(op.responses["413"], op.operationId).toEqual({ $ref: "#/components/responses/PayloadTooLarge" });
    for (const item of Object.values(document.paths)) if (item.get) expect(item.get.responses["413"]).toBeUndefined();
    expect(document.components.responses.PayloadTooLarge?.description).toMatch(/64 KB of JSON/);
  });
});
