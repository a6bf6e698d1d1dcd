import type { ConfigDiff } from "@/lib/configuration/config-diff";
import { formatSetting, type FormField } from "@/lib/configuration/config-form-fields";

type Value = string | number | boolean | null | undefined;
export type DiffRow = { path: string; from: Value; to: Value; note?: string };

/** The seed's `get_config_diff` (added / removed / modified) as rows, path order. */
export function diffRows(diff: ConfigDiff): DiffRow[] {
  return [
    ...Object.entries(diff.modified).map(([path, change]) => ({ path, from: change.from, to: change.to })),
    ...Object.entries(diff.added).map(([path, to]) => ({ path, from: undefined, to, note: "added" })),
    ...Object.entries(diff.removed).map(([path, from]) => ({ path, from, to: undefined, note: "removed" })),
  ].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Two configurations side by side, only where they differ: the setting (title and dotted path),
 * the value on the left, the value on the right. On a phone each row stacks.
 */
export function ConfigDiffTable({ rows, fields, fromLabel, toLabel, empty = "No setting differs.", testId }: { rows: DiffRow[]; fields: ReadonlyMap<string, FormField & { section?: string }>; fromLabel: string; toLabel: string; empty?: string; testId?: string }) {
  if (!rows.length) return <p className="py-2 text-sm text-stone-600">{empty}</p>;
  return (
    // A keyboard stop: a wide value can be scrolled to without a pointer.
    <div className="relative overflow-x-auto" data-testid={testId} tabIndex={0} role="region" aria-label={`${fromLabel} compared with ${toLabel}`}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">
          {fromLabel} compared with {toLabel}
        </caption>
        <thead className="text-xs text-stone-500">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Setting
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              {fromLabel}
            </th>
            <th scope="col" className="py-1 font-medium">
              {toLabel}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((row) => {
            const field = fields.get(row.path);
            return (
              <tr key={row.path} data-diff-path={row.path} className="align-top">
                <th scope="row" className="py-1.5 pr-3 font-normal">
                  <span className="text-stone-800">{field ? `${field.section ? `${field.section} · ` : ""}${field.title}` : row.path}</span>
                  <span className="block font-mono text-[11px] break-all text-stone-500">{row.path}</span>
                  {row.note ? <span className="text-xs text-stone-500">{row.note}</span> : null}
                </th>
                <td className="py-1.5 pr-3 whitespace-nowrap text-red-800 tabular-nums">
                  <span className="sr-only">{fromLabel}: </span>
                  <del className="decoration-red-400">{row.from === undefined ? "—" : formatSetting(row.from, field)}</del>
                </td>
                <td className="py-1.5 font-medium whitespace-nowrap text-green-800 tabular-nums">
                  <span className="sr-only">{toLabel}: </span>
                  <ins className="no-underline">{row.to === undefined ? "—" : formatSetting(row.to, field)}</ins>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
