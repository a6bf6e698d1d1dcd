import type { ListColumn } from "@/lib/list-views/list-columns";
import type { ToolbarColumn } from "./list-toolbar";

/**
 * A list page's columns as the person chose them: `defs` renders every column of the catalogue
 * (header and cell), `visible` is the resolved choice (lib/list-views resolveColumns). The
 * devices list does the same inline; the other lists share this.
 */
export function chosenColumns<K extends string, D>(visible: readonly string[], defs: Record<K, D>): (D & { key: K })[] {
  return visible.filter((key): key is K => key in defs).map((key) => ({ key, ...defs[key] }));
}

/** The column chooser's entries: each column of the catalogue with its label, the required ones marked. */
export function toolbarColumns<K extends string>(catalogue: readonly (ListColumn & { key: K })[], label: (key: K) => string): ToolbarColumn[] {
  return catalogue.map((column) => ({ key: column.key, label: label(column.key), required: column.required ?? false }));
}
