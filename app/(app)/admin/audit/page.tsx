import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditChanges } from "@/components/audit/audit-changes";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABEL, type RoleName } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import {
  AUDIT_FILTER_KEYS,
  auditActions,
  auditPeople,
  auditScope,
  decodeCursor,
  ENTITY_LABEL,
  entityHref,
  listAuditEvents,
  parseAuditFilters,
  type AuditPage,
  type AuditRow,
} from "@/lib/audit/audit-query";
import { readerClock } from "@/lib/audit/reader-clock";
import { getDb } from "@/lib/db";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { isExpectedError } from "@/lib/errors";
import { formatDateTime, type Clock } from "@/lib/i18n/format";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type RawSearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text && text.trim() !== "" ? text.trim() : undefined;
}

/** Who acted, in words: the person's name, else the key, the worker or the system. */
function who(row: AuditRow): { name: string; detail: string | null } {
  if (row.actorId !== null) return { name: row.actorName ?? row.actorLabel, detail: row.actorName ? row.actorLabel : null };
  if (row.actorLabel.startsWith("api-key:")) return { name: `API key ${row.actorLabel.slice("api-key:".length)}…`, detail: null };
  if (row.actorLabel === "worker") return { name: "Worker", detail: "background job" };
  if (row.actorLabel === "system") return { name: "System", detail: null };
  return { name: row.actorLabel, detail: null };
}

/** How they came in: "Session 3fa9c2e1", "API key sdm_ab12…", "Worker". */
function how(row: AuditRow): string {
  switch (row.via) {
    case "session":
      return row.credential ? `Session ${row.credential}` : "Session";
    case "api_key":
      return `API key ${row.credential ?? ""}…`.replace(" …", "");
    case "worker":
      return "Worker";
    case "system":
      return "System";
    default:
      return "—";
  }
}

const roleLabel = (role: string | null) => (role && role in ROLE_LABEL ? ROLE_LABEL[role as RoleName] : role);

function Entity({ row }: { row: AuditRow }) {
  const href = entityHref(row.entityType, row.entityId);
  // A person by name (their id once they are deleted, when only the id is left).
  const text = (
    <>
      {ENTITY_LABEL[row.entityType] ?? row.entityType} {row.entityName ? <span title={`#${row.entityId}`}>{row.entityName}</span> : <span className="font-mono">{row.entityId}</span>}
    </>
  );
  return href ? (
    <Link href={href} className="text-brand-700 hover:underline">
      {text}
    </Link>
  ) : (
    <span>{text}</span>
  );
}

function When({ row, clock }: { row: AuditRow; clock: Clock }) {
  return (
    <time dateTime={row.createdAt.toISOString()} title={row.createdAt.toISOString()}>
      {formatDateTime(row.createdAt, clock, { seconds: true })}
    </time>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requirePageActor("audit.browse");
  const raw = await searchParams;
  const db = getDb();
  const scope = auditScope(actor);
  const values: Record<string, string | undefined> = Object.fromEntries(AUDIT_FILTER_KEYS.map((key) => [key, first(raw[key])]));
  // The farm chosen in the header is the default farm filter, as on the other lists.
  const selected = scope.farmId === null ? await selectedFarmId(actor) : null;
  if (values.farm === undefined && selected !== null) values.farm = String(selected);
  const viewedFarm = Number(values.farm);
  const clock = await readerClock(db, actor, Number.isInteger(viewedFarm) && viewedFarm > 0 ? viewedFarm : null);
  const activeCount = AUDIT_FILTER_KEYS.filter((key) => values[key] !== undefined).length;

  let problem: string | null = null;
  let page: AuditPage = { rows: [], older: null, newer: null };
  try {
    const filters = parseAuditFilters(values, clock.timeZone);
    page = await listAuditEvents(db, scope, filters, { older: decodeCursor(first(raw.older)), newer: first(raw.older) ? undefined : decodeCursor(first(raw.newer)) });
  } catch (error) {
    if (!(isExpectedError(error) || error instanceof ZodError)) throw error;
    problem = "Some filters in the address are not valid (a person, a farm or a date that cannot be read). Change or clear them.";
  }

  const [people, actions, farms] = await Promise.all([
    auditPeople(db, scope),
    auditActions(db),
    scope.farmId === null ? db.farm.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }) : null,
  ]);
  const personOptions = [
    ...people.map((person) => ({ value: String(person.id), label: `${person.name} (${person.email})` })),
    { value: "worker", label: "Worker (background jobs)" },
    { value: "system", label: "System" },
  ];
  const filterParams = new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const linkWith = (extra: Record<string, string>) => {
    const params = new URLSearchParams(filterParams);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return `/admin/audit?${params}`;
  };
  const exportHref = `/api/v1/audit-events/export${filterParams.size ? `?${filterParams}` : ""}`;
  const showFarm = scope.farmId === null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who changed what, when, from where and how${scope.farmId === null ? " — every farm" : " — your farm"}. Times in ${clock.timeZone}. Kept for the configured retention (AUDIT_RETENTION_DAYS).`}
        actions={
          <a href={exportHref} download className="inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-4 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Export CSV
          </a>
        }
      />
      <AuditFilters values={values} people={personOptions} actions={actions} farms={farms ? farms.map((farm) => ({ value: String(farm.id), label: farm.name })) : null} activeCount={activeCount} />
      {problem ? (
        <p role="alert" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problem}
        </p>
      ) : null}

      {page.rows.length === 0 ? (
        <EmptyState title={activeCount ? "No events match these filters" : "No events yet"}>
          <p>Every change made in the product — by a person, an API key or the worker — is recorded here.</p>
          {activeCount ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/admin/audit">
                Clear the filters
              </Link>
            </p>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="Audit events">
            {page.rows.map((row) => (
              <li key={row.id} className="px-3 py-2.5 text-sm" data-testid="audit-row">
                <div className="flex items-baseline justify-between gap-2">
                  <span className="font-medium text-stone-900">{row.action}</span>
                  <span className="shrink-0 text-xs text-stone-500">
                    <When row={row} clock={clock} />
                  </span>
                </div>
                <div className="mt-0.5 text-stone-700">
                  <Entity row={row} />
                  {showFarm && row.farmName ? <span className="text-stone-500"> · {row.farmName}</span> : null}
                </div>
                <div className="mt-0.5 text-xs text-stone-600">
                  {who(row).name}
                  {row.actorRole ? ` · ${roleLabel(row.actorRole)}` : ""}
                  {how(row) !== who(row).name ? ` · ${how(row)}` : ""}
                  {row.ip ? ` · ${row.ip}` : ""}
                </div>
                <AuditChanges before={row.before} after={row.after} className="mt-1.5" />
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table className="w-full min-w-[1000px] text-sm [&_td]:px-2.5 [&_td]:py-2 [&_th]:px-2.5 [&_th]:py-2">
              <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Record</th>
                  <th scope="col">Before → after</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {page.rows.map((row) => (
                  <tr key={row.id} className="align-top hover:bg-stone-50" data-testid="audit-row">
                    <td className="whitespace-nowrap text-stone-700">
                      <When row={row} clock={clock} />
                    </td>
                    <td>
                      <span className="block font-medium text-stone-900">{who(row).name}</span>
                      <span className="block text-xs text-stone-500">{[roleLabel(row.actorRole), who(row).detail].filter(Boolean).join(" · ") || "\u00a0"}</span>
                    </td>
                    <td className="font-medium text-stone-900">{row.action}</td>
                    <td>
                      <Entity row={row} />
                      {showFarm && row.farmName ? <span className="block text-xs text-stone-500">{row.farmName}</span> : null}
                    </td>
                    <td className="max-w-[360px]">
                      <AuditChanges before={row.before} after={row.after} />
                    </td>
                    <td className="whitespace-nowrap text-xs text-stone-600">
                      <span className="block">{how(row)}</span>
                      <span className="block font-mono">{row.ip ?? ""}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <nav className="mt-3 flex items-center justify-between gap-2 text-sm" aria-label="Pages">
        {page.newer ? (
          <Link href={linkWith({ newer: page.newer })} className="inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-4 font-medium text-stone-800 hover:bg-stone-50" rel="prev">
            ← Newer
          </Link>
        ) : (
          <span />
        )}
        {page.newer ? (
          <Link href={filterParams.size ? `/admin/audit?${filterParams}` : "/admin/audit"} className="text-brand-700 underline">
            Newest
          </Link>
        ) : null}
        {page.older ? (
          <Link href={linkWith({ older: page.older })} className="inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-4 font-medium text-stone-800 hover:bg-stone-50" rel="next">
            Older →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </>
  );
}
