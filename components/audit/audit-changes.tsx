import { fieldChanges } from "@/lib/audit/audit-diff";

/** Before → after as the changed fields, one per line; an event without values says so quietly. */
export function AuditChanges({ before, after, className = "" }: { before: unknown; after: unknown; className?: string }) {
  const changes = fieldChanges(before, after);
  if (changes.length === 0) return <span className={`text-xs text-stone-500 ${className}`}>no values recorded</span>;
  return (
    <dl className={`space-y-0.5 text-xs ${className}`}>
      {changes.map((change) => (
        <div key={change.field} className="flex flex-wrap gap-x-1 break-words">
          <dt className="font-medium text-stone-600">{change.field}:</dt>
          <dd className="min-w-0 text-stone-800">
            {change.before !== null ? <span className="text-red-800 line-through decoration-red-300">{change.before}</span> : null}
            {change.before !== null && change.after !== null ? <span className="text-stone-500"> → </span> : null}
            {change.after !== null ? <span className="text-green-800">{change.after}</span> : change.before !== null ? <span className="text-stone-500"> (removed)</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
