/**
 * The pieces every area's OpenAPI operations are written with (lib/api/openapi.ts assembles the
 * document; areas such as lib/commands/commands-openapi.ts keep their operations beside their
 * code): zod → JSON Schema on the input and output side, named components, the error responses,
 * `operation` with its permission, query and path parameters.
 */
import { z } from "zod";
import type { Permission } from "../auth/permissions";
import { DEVICE_ID_PATTERN } from "../devices/device-id";
import { PAGE_SIZES } from "../devices/device-schemas";

export type JsonSchema = { [key: string]: unknown };

export type OpenApiParameter = {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
  style?: string;
  explode?: boolean;
};

export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> } | { $ref: string }>;
  security?: Record<string, string[]>[];
  /** Which permission (lib/auth/permissions.ts) the handler checks; absent for public ones. */
  "x-permission"?: Permission;
};

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, { description: string; content: Record<string, { schema: JsonSchema }> }>;
  };
};


// ---------------------------------------------------------------- zod → JSON Schema

/** `.int()` adds the safe-integer range to every id; it says nothing to a reader, so it goes. */
export function tidyInput({ jsonSchema }: { jsonSchema: JsonSchema }) {
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

/**
 * Answers may gain fields without breaking a client, so they are open objects; a timestamp is
 * `format: date-time` without zod's 400-character ISO pattern.
 */
export function tidyOutput(context: { jsonSchema: JsonSchema }) {
  tidyInput(context);
  if (context.jsonSchema.additionalProperties === false) delete context.jsonSchema.additionalProperties;
  if (context.jsonSchema.format === "date-time") delete context.jsonSchema.pattern;
}

/** zod adds the dialect and an `$id` to each schema; in an OpenAPI 3.1 document both are implied. */
export function bare(schema: JsonSchema): JsonSchema {
  const rest = { ...schema };
  delete rest.$schema;
  delete rest.$id;
  return rest;
}

/**
 * What a caller sends. `io: "input"` describes the schema before z.preprocess / transforms run
 * (lib/validation/form-values.ts), e.g. a date as "YYYY-MM-DD", not the Date it becomes.
 * Refinements (a number's bounds written as `.refine`) have no JSON Schema form and are left out.
 */
export function input(schema: z.ZodType): JsonSchema {
  return bare(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any", override: tidyInput }) as JsonSchema);
}

/** What the API answers (described here, not parsed: lib/ builds the answers). */
export function output(schema: z.ZodType): JsonSchema {
  return bare(z.toJSONSchema(schema, { target: "draft-2020-12", io: "output", unrepresentable: "any", override: tidyOutput }) as JsonSchema);
}

/** Named schemas become `components.schemas`, and a schema inside another one becomes a $ref to it. */
export function components(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: io === "input" ? tidyInput : tidyOutput,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(converted.schemas).map(([id, schema]) => [id, bare(schema)]));
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: JsonSchema) => ({ "application/json": { schema } });

export const timestamp = z.iso.datetime({ offset: true });

export const listOf = (item: JsonSchema) => ({ type: "object", properties: { data: { type: "array", items: item }, total: { type: "integer" } }, required: ["data", "total"] });

export function queryParameters(schema: z.ZodType, help: Record<string, string> = {}, only?: (name: string) => boolean): OpenApiParameter[] {
  const object = input(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {})
    .filter(([name]) => !only || only(name))
    .map(([name, property]) => {
      const parameter: OpenApiParameter = { name, in: "query", required: object.required?.includes(name) ?? false, schema: property };
      if (help[name]) parameter.description = help[name];
      // comma-separated lists: ?type=collar,feeder (repeating the parameter works as well)
      if (property.type === "array") Object.assign(parameter, { style: "form", explode: false });
      // PAGE_SIZES is a refinement in the schema, which JSON Schema cannot carry
      if (name === "pageSize") parameter.schema = { ...property, enum: [...PAGE_SIZES] };
      return parameter;
    });
}

export const deviceIdParameter: OpenApiParameter = {
  name: "id",
  in: "path",
  required: true,
  description: "The device id, e.g. MM001",
  schema: { type: "string", pattern: DEVICE_ID_PATTERN.source },
};
export const idParameter = (what: string, schema: z.ZodType): OpenApiParameter => ({ name: "id", in: "path", required: true, description: `The ${what}'s id`, schema: input(schema) });

export const errors = (...statuses: (400 | 401 | 403 | 404 | 409)[]) => Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/${ERROR_RESPONSE[status][0]}` }]));
export const ERROR_RESPONSE = {
  400: ["BadRequest", "The request is not valid: `error.fields` names each field and what is wrong with it"],
  401: ["Unauthorized", "No session or API key, or the key is unknown or revoked"],
  403: ["Forbidden", "The caller's role or farm binding does not allow this, or a change authenticated by the session cookie came from another site or without a JSON (or, for uploads, multipart) body"],
  404: ["NotFound", "No such record, or it belongs to a farm the caller may not see"],
  409: ["Conflict", "The change clashes with existing data (a taken id, code or name, a group still in use)"],
  413: ["PayloadTooLarge", "The body is larger than this endpoint accepts (64 KB of JSON, 16 KB for claims and broker hooks, FIRMWARE_MAX_MB for firmware, 20 MB for CSV)"],
} as const;

export const CALLER = [401, 403] as const;

export function operation(permission: Permission, op: Omit<OpenApiOperation, "x-permission">): OpenApiOperation {
  return { ...op, description: [op.description, `Requires the \`${permission}\` permission.`].filter(Boolean).join("\n\n"), "x-permission": permission };
}

export const ok = (description: string, schema: JsonSchema) => ({ description, content: json(schema) });
export const failure = (description: string) => ({ description, content: json(ref("Error")) });

/** One area's share of the document: its tags, its paths and its named schemas (already JSON Schema). */
export type OpenApiArea = {
  tags: OpenApiDocument["tags"];
  paths: OpenApiDocument["paths"];
  schemas: Record<string, JsonSchema>;
};
