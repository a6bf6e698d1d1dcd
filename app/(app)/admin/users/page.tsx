import type { Metadata } from "next";
import { ClearSignInFailuresButton } from "@/components/admin/user-forms";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { InviteUserPanel } from "@/components/users/invite-user-panel";
import { UserActions } from "@/components/users/user-actions";
import { UserStatusBadge } from "@/components/users/user-status-badge";
import { ROLE_LABEL } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { recentSignInFailures } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";
import { clockFor, formatDateTime } from "@/lib/i18n/format";
import { listUsers } from "@/lib/users/user-admin";
import { userListQuerySchema } from "@/lib/users/user-schemas";
import { INVITATION_LIFETIME_DAYS } from "@/lib/users/user-tokens";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const FILTERS = [
  { value: undefined, label: "Everyone" },
  { value: "invited", label: "Invited" },
  { value: "active", label: "Active" },
  { value: "deactivated", label: "Deactivated" },
] as const;

type Listed = Awaited<ReturnType<typeof listUsers>>[number];

/** Until when an invitation's link works, or since when a person is deactivated. */
function StatusSince({ user, clock }: { user: Listed; clock: ReturnType<typeof clockFor> }) {
  if (user.status === "invited" && user.invitation?.expiresAt)
    return (
      <span className="mt-0.5 block text-xs text-stone-500">
        {user.invitation.state === "pending" ? "link works until" : "link ran out"} {formatDateTime(user.invitation.expiresAt, clock)}
      </span>
    );
  if (user.status === "deactivated" && user.deactivatedAt) return <span className="mt-0.5 block text-xs text-stone-500">since {formatDateTime(user.deactivatedAt, clock)}</span>;
  return null;
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const actor = await requirePageActor("users.manage");
  const db = getDb();
  const parsed = userListQuerySchema.safeParse({ status: (await searchParams).status || undefined });
  const status = parsed.success ? parsed.data.status : undefined;
  const [users, farms, me] = await Promise.all([
    listUsers(db, actor),
    db.farm.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.user.findUnique({ where: { id: actor.id }, select: { locale: true, timezone: true } }),
  ]);
  const clock = clockFor(me);
  const shown = status ? users.filter((user) => user.status === status) : users;
  const failures = await recentSignInFailures(db, shown.map((user) => user.email));
  const counts = { invited: 0, active: 0, deactivated: 0 };
  for (const user of users) counts[user.status]++;
  return (
    <>
      <PageHeader
        title="Users"
        description="People who sign in, their role and the farm they are bound to. Invite someone with a one-time link; deactivating ends their access everywhere at once."
        actions={<InviteUserPanel farms={farms} linkDays={INVITATION_LIFETIME_DAYS} />}
      />
      <nav aria-label="Filter by status" className="mb-3 flex flex-wrap gap-2 text-sm">
        {FILTERS.map((filter) => {
          const current = filter.value === status;
          const count = filter.value ? counts[filter.value] : users.length;
          return (
            <a
              key={filter.label}
              href={filter.value ? `/admin/users?status=${filter.value}` : "/admin/users"}
              aria-current={current ? "page" : undefined}
              className={`rounded-full border px-3 py-1 ${current ? "border-brand-700 bg-brand-50 font-medium text-brand-800" : "border-stone-300 text-stone-700 hover:bg-stone-50"}`}
            >
              {filter.label} <span className="text-stone-500 tabular-nums">{count}</span>
            </a>
          );
        })}
      </nav>
      {shown.length === 0 ? (
        <EmptyState title={status ? `No ${status} people` : "No people yet"}>{status ? <a href="/admin/users" className="text-brand-700 underline">Show everyone</a> : null}</EmptyState>
      ) : (
        <>
          {/* On a phone each person is a card (the 820 px table would scroll sideways); same data and actions. */}
          <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="People">
            {shown.map((user) => (
              <li key={user.id} className="space-y-2 px-3 py-3 text-sm" data-testid={`user-card-${user.email}`}>
                <div className="flex items-start justify-between gap-2">
                  <div className="min-w-0">
                    <span className="block font-medium">
                      {user.name}
                      {user.id === actor.id ? <span className="ml-1 text-xs font-normal text-stone-500">(you)</span> : null}
                    </span>
                    <span className="block truncate text-xs text-stone-500">{user.email}</span>
                  </div>
                  <UserStatusBadge status={user.status} invitation={user.invitation?.state ?? null} />
                </div>
                <StatusSince user={user} clock={clock} />
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
                  <dt className="text-stone-500">Role</dt>
                  <dd>{ROLE_LABEL[user.role]}</dd>
                  <dt className="text-stone-500">Farm</dt>
                  <dd>{user.farmName ?? "Every farm"}</dd>
                  <dt className="text-stone-500">Last sign-in</dt>
                  <dd>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, clock) : "never"}</dd>
                </dl>
                {failures.get(user.email) ? <ClearSignInFailuresButton id={user.id} name={user.name} failures={failures.get(user.email)!} /> : null}
                <UserActions person={{ id: user.id, name: user.name, email: user.email, role: user.role, farmId: user.farmId, status: user.status, self: user.id === actor.id }} farms={farms} />
              </li>
            ))}
          </ul>
          <DataTable className="hidden md:block" minWidth={820} columns={[{ label: "Name" }, { label: "Status" }, { label: "Role" }, { label: "Farm" }, { label: "Last sign-in" }, { label: "Actions" }]}>
            {shown.map((user) => (
              <tr key={user.id} className="align-top" data-testid={`user-row-${user.email}`}>
                <td className="px-3 py-2">
                  <span className="block font-medium">
                    {user.name}
                    {user.id === actor.id ? <span className="ml-1 text-xs font-normal text-stone-500">(you)</span> : null}
                  </span>
                  <span className="block text-xs text-stone-500">{user.email}</span>
                </td>
                <td className="px-3 py-2">
                  <UserStatusBadge status={user.status} invitation={user.invitation?.state ?? null} />
                  <StatusSince user={user} clock={clock} />
                </td>
                <td className="px-3 py-2">{ROLE_LABEL[user.role]}</td>
                <td className="px-3 py-2">{user.farmName ?? "Every farm"}</td>
                <td className="px-3 py-2">
                  <span className="block">{user.lastLoginAt ? formatDateTime(user.lastLoginAt, clock) : "never"}</span>
                  {failures.get(user.email) ? <ClearSignInFailuresButton id={user.id} name={user.name} failures={failures.get(user.email)!} /> : null}
                </td>
                <td className="px-3 py-2">
                  <UserActions person={{ id: user.id, name: user.name, email: user.email, role: user.role, farmId: user.farmId, status: user.status, self: user.id === actor.id }} farms={farms} />
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      <p className="mt-3 text-xs text-stone-500">
        Times in {clock.timeZone}. Links are kept only as a hash: a lost link is replaced by re-sending, never shown again.
      </p>
    </>
  );
}
