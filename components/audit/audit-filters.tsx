import Link from "next/link";
import { ENTITY_LABEL, AUDIT_ENTITY_TYPES } from "@/lib/audit/audit-query";

type Option = { value: string; label: string };

const field = "block w-full min-h-10 rounded-md border border-stone-300 bg-white px-2.5 text-sm text-stone-900";
const labelClass = "block text-xs font-medium text-stone-600";

/**
 * The log's filters as a plain GET form: the URL carries them (a view can be bookmarked, shared
 * and exported as it is), and it works before any script has loaded on a slow barn connection.
 */
export function AuditFilters({
  values,
  people,
  actions,
  farms,
  activeCount,
}: {
  values: Record<string, string | undefined>;
  people: Option[];
  actions: string[];
  /** Null: the reader is bound to one farm, so there is nothing to choose. */
  farms: Option[] | null;
  activeCount: number;
}) {
  const select = (name: string, label: string, options: Option[], empty: string) => (
    // Label beside the select, not around it: a wrapping label's text would include every option's.
    <div className="min-w-0">
      <label htmlFor={`audit-filter-${name}`} className={labelClass}>
        {label}
      </label>
      <select id={`audit-filter-${name}`} name={name} defaultValue={values[name] ?? ""} className={field}>
        <option value="">{empty}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
  // An action typed into the URL that the list does not know yet still shows as chosen.
  const actionOptions = [...new Set([...actions, ...(values.action ? [values.action] : [])])].map((action) => ({ value: action, label: action }));
  return (
    <form method="get" action="/admin/audit" className="mb-4 rounded-xl border border-stone-200 bg-white p-3 shadow-sm" aria-label="Filters">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
        {select("person", "Person", people, "Anyone")}
        {select("action", "Action", actionOptions, "Any action")}
        {select(
          "entityType",
          "Record",
          AUDIT_ENTITY_TYPES.map((type) => ({ value: type, label: ENTITY_LABEL[type] ?? type })),
          "Any record",
        )}
        <label className="min-w-0">
          <span className={labelClass}>Record id</span>
          <input name="entityId" defaultValue={values.entityId ?? ""} placeholder="MM001, 42…" className={field} maxLength={64} />
        </label>
        {farms ? select("farm", "Farm", farms, "Every farm") : null}
        <label className="min-w-0">
          <span className={labelClass}>From</span>
          <input type="date" name="from" defaultValue={values.from?.slice(0, 10) ?? ""} className={field} />
        </label>
        <label className="min-w-0">
          <span className={labelClass}>To</span>
          <input type="date" name="to" defaultValue={values.to?.slice(0, 10) ?? ""} className={field} />
        </label>
        <div className="col-span-2 flex items-end gap-2 md:col-span-1">
          <button type="submit" className="min-h-10 flex-1 rounded-md bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800">
            Apply
          </button>
          {activeCount ? (
            <Link href="/admin/audit" className="inline-flex min-h-10 items-center px-1 text-sm text-brand-700 underline">
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </form>
  );
}
