import Link from "next/link";

export type MaintenanceCounts = { overdue: number; today: number; week: number; inProgress: number };

/**
 * The four numbers a manager reads on Monday morning, each opening the list behind it. Overdue
 * stands out (red, and "!" for those who do not see red) whenever there is any.
 */
export function MaintenanceSummary({ counts, hrefFor }: { counts: MaintenanceCounts; hrefFor: (chip: keyof MaintenanceCounts) => string }) {
  const chips: { key: keyof MaintenanceCounts; label: string; tone: string }[] = [
    { key: "overdue", label: "Overdue", tone: counts.overdue ? "border-red-300 bg-red-50 text-red-800 font-semibold" : "border-stone-200 bg-white text-stone-700" },
    { key: "today", label: "Due today", tone: counts.today ? "border-amber-300 bg-amber-50 text-amber-900" : "border-stone-200 bg-white text-stone-700" },
    { key: "week", label: "This week", tone: "border-stone-200 bg-white text-stone-700" },
    { key: "inProgress", label: "In progress", tone: counts.inProgress ? "border-blue-200 bg-blue-50 text-blue-900" : "border-stone-200 bg-white text-stone-700" },
  ];
  return (
    <ul className="mb-4 grid grid-cols-2 gap-2 sm:flex sm:flex-wrap" aria-label="Summary">
      {chips.map((chip) => (
        <li key={chip.key}>
          <Link href={hrefFor(chip.key)} data-testid={`summary-${chip.key}`} className={`flex min-h-11 items-center justify-between gap-3 rounded-full border px-4 text-sm hover:shadow-sm ${chip.tone}`}>
            <span>
              {chip.key === "overdue" && counts.overdue ? <span aria-hidden>! </span> : null}
              {chip.label}
            </span>
            <span className="text-base font-semibold tabular-nums">{counts[chip.key].toLocaleString("en")}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
