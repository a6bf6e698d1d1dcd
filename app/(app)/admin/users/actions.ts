"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { clearSignInFailures } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";
import { appBaseUrl, originFromHeaders } from "@/lib/users/links";
import { createPasswordResetLink, inviteUser, resendInvitation, updateUser, type IssuedLink } from "@/lib/users/user-admin";
import { inviteSchema, roleFarmFormSchema, userActionFormSchema } from "@/lib/users/user-schemas";

export const clearSignInFailuresAction = defineAction({ permission: "throttles.clear", schema: z.object({ id: z.coerce.number().int().positive() }) }, async ({ id }, actor) => {
  const result = await clearSignInFailures(getDb(), actor, id);
  revalidatePath("/admin/users");
  return result;
});

/** What the admin's screen gets back: the link once, and to whom it was mailed. */
export type ShownLink = { name: string; email: string; link: string; expiresAt: string };

const shown = (issued: IssuedLink): ShownLink => ({ name: issued.user.name, email: issued.user.email, link: issued.link, expiresAt: issued.expiresAt.toISOString() });

async function baseUrl() {
  return appBaseUrl(originFromHeaders(await headers()));
}

export const inviteUserAction = defineAction({ permission: "users.manage", schema: inviteSchema }, async (input, actor) => {
  const issued = await inviteUser(getDb(), actor, input, await baseUrl());
  revalidatePath("/admin/users");
  return shown(issued);
});

export const resendInvitationAction = defineAction({ permission: "users.manage", schema: userActionFormSchema }, async ({ id }, actor) => {
  const issued = await resendInvitation(getDb(), actor, id, await baseUrl());
  revalidatePath("/admin/users");
  return shown(issued);
});

export const passwordResetLinkAction = defineAction({ permission: "users.manage", schema: userActionFormSchema }, async ({ id }, actor) => {
  const issued = await createPasswordResetLink(getDb(), actor, id, await baseUrl());
  revalidatePath("/admin/users");
  return shown(issued);
});

export const changeAccessAction = defineAction({ permission: "users.manage", schema: roleFarmFormSchema }, async ({ id, role, farmId }, actor) => {
  const user = await updateUser(getDb(), actor, id, { role, farmId: farmId ?? null });
  revalidatePath("/admin/users");
  return { name: user.name };
});

export const deactivateUserAction = defineAction({ permission: "users.manage", schema: userActionFormSchema }, async ({ id }, actor) => {
  const user = await updateUser(getDb(), actor, id, { active: false });
  revalidatePath("/admin/users");
  return { name: user.name };
});

export const reactivateUserAction = defineAction({ permission: "users.manage", schema: userActionFormSchema }, async ({ id }, actor) => {
  const user = await updateUser(getDb(), actor, id, { active: true });
  revalidatePath("/admin/users");
  return { name: user.name };
});
