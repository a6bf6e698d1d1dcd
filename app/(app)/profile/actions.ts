"use server";

import { getServerSession } from "next-auth";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { defineAction } from "@/lib/actions/define-action";
import { authOptions } from "@/lib/auth/options";
import { getDb } from "@/lib/db";
import { clientAddress } from "@/lib/http/client-address";
import { changePassword, updateProfile } from "@/lib/users/profile";
import { passwordChangeSchema, profileSchema } from "@/lib/users/user-schemas";

// A profile is every signed-in person's own; "devices.read" is the permission every role has, so
// the check here is "signed in", and lib/users/profile.ts acts on the actor's own record only.
export const updateProfileAction = defineAction({ permission: "devices.read", schema: profileSchema }, async (input, actor) => {
  const profile = await updateProfile(getDb(), actor, input);
  revalidatePath("/", "layout");
  return { name: profile.name };
});

export const changePasswordAction = defineAction({ permission: "devices.read", schema: passwordChangeSchema }, async (input, actor) => {
  // The session in use stays; every other one of the person ends.
  const session = (await getServerSession(authOptions)) as { sid?: unknown } | null;
  return changePassword(getDb(), actor, input, typeof session?.sid === "string" ? session.sid : undefined, clientAddress(await headers()));
});
