/**
 * The fields of a settings form, read from the JSON Schema the zod schemas produce
 * (`configJsonSchema(type)`, the health thresholds' schema): sections with their titles, and per
 * leaf its dotted path, title, unit, range, step and kind. The form is generated from this, so a new
 * setting in lib/configuration/config-schemas.ts appears on screen without touching the screens.
 */
export type FieldKind = "number" | "integer" | "boolean" | "enum" | "text";

export type FormField = {
  path: string;
  title: string;
  kind: FieldKind;
  unit?: string;
  minimum?: number;
  maximum?: number;
  step?: number;
  options?: string[];
  /** May be empty (null): "not judged" for the optional health limits. */
  nullable: boolean;
};

export type FormSection = { path: string; title: string; depth: number; fields: FormField[] };

type JsonSchema = {
  type?: string | string[];
  title?: string;
  unit?: string;
  minimum?: number;
  maximum?: number;
  step?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
};

const humanize = (key: string) => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function leaf(path: string, key: string, node: JsonSchema): FormField {
  // a nullable value is anyOf [the value, null]; its title may sit on either level
  const variants = node.anyOf ?? [node];
  const value = variants.find((variant) => variant.type !== "null") ?? node;
  const nullable = variants.some((variant) => variant.type === "null");
  const title = node.title ?? value.title ?? humanize(key);
  const unit = node.unit ?? value.unit;
  const kind: FieldKind = value.enum ? "enum" : value.type === "boolean" ? "boolean" : value.type === "integer" ? "integer" : value.type === "number" ? "number" : "text";
  return {
    path,
    title,
    kind,
    nullable,
    ...(unit ? { unit } : {}),
    ...(value.minimum !== undefined ? { minimum: value.minimum } : {}),
    ...(value.maximum !== undefined ? { maximum: value.maximum } : {}),
    ...((node.step ?? value.step) !== undefined ? { step: node.step ?? value.step } : kind === "integer" ? { step: 1 } : {}),
    ...(value.enum ? { options: value.enum.map(String) } : {}),
  };
}

/** Sections in schema order, depth-first; fields of the root itself (health limits) in a section titled `rootTitle`. */
export function formSections(schema: unknown, rootTitle = "Settings"): FormSection[] {
  const out: FormSection[] = [];
  const visit = (node: JsonSchema, path: string, title: string, depth: number) => {
    const section: FormSection = { path, title, depth, fields: [] };
    out.push(section);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const childPath = path ? `${path}.${key}` : key;
      // "Sensors › Flow sensor": a nested section says where it sits
      const childTitle = child.title ?? humanize(key);
      if (child.type === "object" && child.properties) visit(child, childPath, depth > 0 ? `${title} › ${childTitle}` : childTitle, depth + 1);
      else section.fields.push(leaf(childPath, key, child));
    }
  };
  visit(schema as JsonSchema, "", rootTitle, 0);
  return out.filter((section) => section.fields.length > 0);
}

/** Path → field, for titles in diffs and error lists. */
export function fieldIndex(sections: readonly FormSection[]): Map<string, FormField & { section: string }> {
  const map = new Map<string, FormField & { section: string }>();
  for (const section of sections) for (const field of section.fields) map.set(field.path, { ...field, section: section.title });
  return map;
}

/** "25 ppm", "on", "not judged" (an empty optional limit), "—" (nothing). */
export function formatSetting(value: unknown, field?: Pick<FormField, "unit" | "kind"> & { nullable?: boolean }): string {
  // an empty health limit is not judged at all (the M92 profile's CPU and memory)
  if (value === null) return field?.nullable ? "not judged" : "—";
  if (value === undefined) return "—";
  if (typeof value === "boolean") return value ? "on" : "off";
  return field?.unit ? `${String(value)} ${field.unit}` : String(value);
}
