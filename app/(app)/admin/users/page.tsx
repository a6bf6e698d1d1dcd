import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABEL, type RoleName } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  await requirePageActor("users.manage");
  const users = await getDb().user.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, email: true, role: true, active: true, lastLoginAt: true, farm: { select: { name: true } } } });
  return (
    <>
      <PageHeader title="Users" description="People who sign in, their role and the farm they are bound to." />
      <div className="overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm">
        <table className="w-full min-w-[560px] text-sm">
          <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Farm</th>
              <th className="px-3 py-2">Last sign-in</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {users.map((user) => (
              <tr key={user.id}>
                <td className="px-3 py-2">
                  <span className="block">{user.name}{user.active ? "" : " (deactivated)"}</span>
                  <span className="block text-xs text-stone-500">{user.email}</span>
                </td>
                <td className="px-3 py-2">{ROLE_LABEL[user.role as RoleName]}</td>
                <td className="px-3 py-2">{user.farm?.name ?? "All farms"}</td>
                <td className="px-3 py-2">{user.lastLoginAt ? user.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-4 text-sm text-stone-600">
        <span className="mr-2 inline-block rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900">Not built yet</span>
        Inviting people, changing roles and deactivating accounts are not built yet.
      </p>
    </>
  );
}
