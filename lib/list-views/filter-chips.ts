/**
 * Active-filter chips (issue 21): each filter a list's URL holds, as a chip that links to the same
 * list without it. Pure: the list pages build them, components/lists/filter-chips.tsx draws them.
 */
export type FilterChip = { name: string; label: string; value: string; href: string };

/** A filter as its panel offers it: the URL parameter, its label and the labels of its values. */
export type ChipField = { name: string; label: string; options?: { value: string; label: string }[] };

/**
 * The URL of the list without some parameters: the filter a chip clears, and the page or cursor
 * (a narrower filter starts on the first page). Everything else stays: the other filters, the
 * sort, how the list looks (density, columns) and which saved view it is.
 */
export function hrefWithout(path: string, raw: Record<string, unknown>, names: string[]): string {
  const params = new URLSearchParams();
  const drop = new Set([...names, "page", "cursor", "prev"]);
  for (const [key, value] of Object.entries(raw)) {
    if (drop.has(key) || value === undefined || value === null || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
  }
  return params.size ? `${path}?${params}` : path;
}

/**
 * The active filters of a list as chips, read from its URL: a field's chosen values by their
 * labels (a value the field does not list shows as written). `ignored` are the parameters the
 * page could not read and said so; they get no chip.
 */
export function filterChipsFor(path: string, raw: Record<string, unknown>, fields: ChipField[], ignored: string[] = []): FilterChip[] {
  return fields.flatMap((field) => {
    const value = raw[field.name];
    if (value === undefined || value === null || value === "" || ignored.includes(field.name)) return [];
    const labelOf = (part: string) => field.options?.find((option) => option.value === part)?.label;
    // an option may stand for several values at once ("scheduled,in_progress,overdue" is "Open")
    const shown = [...new Set((Array.isArray(value) ? value : [value]).map(String).flatMap((one) => labelOf(one) ?? one.split(",").filter(Boolean).map((part) => labelOf(part) ?? part)))];
    return [{ name: field.name, label: field.label, value: shown.join(", "), href: hrefWithout(path, raw, [field.name]) }];
  });
}
