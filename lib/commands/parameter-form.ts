/**
 * The "New command" form's parameter fields, generated from the catalogue's zod schema through
 * its JSON Schema (z.toJSONSchema): a range becomes a number input with min/max, an enum a select,
 * a boolean a checkbox, a list of an enum a set of checkboxes. The same schema validates the
 * values inline (parseParameters) and again on the server, so the form cannot drift from the API.
 */
import { z } from "zod";
import { parseParameters, type CommandSpec } from "./catalogue";

export type ParameterField =
  | { kind: "number"; name: string; label: string; integer: boolean; min?: number; max?: number; defaultValue?: number; required: boolean }
  | { kind: "select"; name: string; label: string; options: string[]; defaultValue?: string; required: boolean }
  | { kind: "checkbox"; name: string; label: string; defaultValue: boolean }
  | { kind: "checkboxes"; name: string; label: string; options: string[]; defaultValue: string[]; minItems?: number };

/** What the inputs hold: text for numbers (so "" and "abc" reach the schema as typed), flags, lists. */
export type ParameterValues = Record<string, string | boolean | string[]>;

type JsonProperty = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  minItems?: number;
  items?: { type?: string; enum?: unknown[] };
};

/** "time_range_hours" → "Time range hours"; the catalogue's names are the device's words. */
export function parameterLabel(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function parameterFields(command: CommandSpec): ParameterField[] {
  const schema = z.toJSONSchema(command.parameters, { io: "input" }) as { properties?: Record<string, JsonProperty>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]): ParameterField => {
    const label = parameterLabel(name);
    if (property.type === "array" && property.items?.enum) {
      return { kind: "checkboxes", name, label, options: property.items.enum.map(String), defaultValue: Array.isArray(property.default) ? property.default.map(String) : [], minItems: property.minItems };
    }
    if (property.enum) return { kind: "select", name, label, options: property.enum.map(String), defaultValue: property.default === undefined ? undefined : String(property.default), required: required.has(name) };
    if (property.type === "boolean") return { kind: "checkbox", name, label, defaultValue: property.default === true };
    if (property.type === "integer" || property.type === "number") {
      return { kind: "number", name, label, integer: property.type === "integer", min: property.minimum, max: property.maximum, defaultValue: typeof property.default === "number" ? property.default : undefined, required: required.has(name) };
    }
    throw new Error(`The form cannot draw parameter "${name}" of ${command.name} (${property.type ?? "no type"}).`);
  });
}

export function defaultValues(fields: ParameterField[]): ParameterValues {
  const values: ParameterValues = {};
  for (const field of fields) {
    if (field.kind === "number") values[field.name] = field.defaultValue === undefined ? "" : String(field.defaultValue);
    else if (field.kind === "select") values[field.name] = field.defaultValue ?? "";
    else values[field.name] = field.defaultValue;
  }
  return values;
}

/** The inputs' values as the command takes them: an empty optional field is left out (its default applies). */
export function toParameters(fields: ParameterField[], values: ParameterValues): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === "number") {
      const text = typeof value === "string" ? value.trim() : "";
      if (text === "") continue;
      const number = Number(text);
      // Not a number: handed on as typed, so the schema's own message says what is wrong.
      parameters[field.name] = Number.isFinite(number) ? number : text;
    } else if (field.kind === "select") {
      if (typeof value === "string" && value !== "") parameters[field.name] = value;
    } else if (field.kind === "checkbox") parameters[field.name] = value === true;
    else parameters[field.name] = Array.isArray(value) ? value : [];
  }
  return parameters;
}

/** Errors per parameter name (without the "parameters." prefix the API uses), or none. */
export function parameterErrors(command: CommandSpec, fields: ParameterField[], values: ParameterValues): Record<string, string> {
  const parsed = parseParameters(command, toParameters(fields, values));
  if (parsed.ok) return {};
  const errors: Record<string, string> = {};
  for (const [key, messages] of Object.entries(parsed.fieldErrors)) {
    const name = key.replace(/^parameters\./, "").split(".")[0] ?? key;
    errors[name] ??= messages[0] ?? "Invalid value.";
  }
  return errors;
}
