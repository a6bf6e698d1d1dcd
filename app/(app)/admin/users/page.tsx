import type { Metadata } from "next";
import { ClearSignInFailuresButton } from "@/components/admin/user-forms";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABEL, type RoleName } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { recentSignInFailures } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  await requirePageActor("users.manage");
  const users = await getDb().user.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, email: true, role: true, active: true, lastLoginAt: true, farm: { select: { name: true } } } });
  const failures = await recentSignInFailures(getDb(), users.map((user) => user.email));
  return (
    <>
      <PageHeader title="Users" description="People who sign in, their role and the farm they are bound to." />
      <DataTable minWidth={560} columns={[{ label: "Name" }, { label: "Role" }, { label: "Farm" }, { label: "Last sign-in" }]}>
            {users.map((user) => (
              <tr key={user.id}>
                <td className="px-3 py-2">
                  <span className="block">{user.name}{user.active ? "" : " (deactivated)"}</span>
                  <span className="block text-xs text-stone-500">{user.email}</span>
                </td>
                <td className="px-3 py-2">{ROLE_LABEL[user.role as RoleName]}</td>
                <td className="px-3 py-2">{user.farm?.name ?? "All farms"}</td>
                <td className="px-3 py-2">
                  <span className="block">{user.lastLoginAt ? user.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "never"}</span>
                  {failures.get(user.email) ? <ClearSignInFailuresButton id={user.id} name={user.name} failures={failures.get(user.email)!} /> : null}
                </td>
              </tr>
            ))}
      </DataTable>
      <p className="mt-4 text-sm text-stone-600">
        <span className="mr-2 inline-block rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900">Not built yet</span>
        Inviting people, changing roles and deactivating accounts are not built yet.
      </p>
    </>
  );
}
