import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getProfile, updateProfile } from "@/lib/users/profile";
import { profileSchema } from "@/lib/users/user-schemas";

// Every role has devices.read: the check is "a signed-in person"; an API key has no profile (403).
export const GET = withApi(async ({ actor }) => getProfile(getDb(), actor), { permission: "devices.read" });

export const PATCH = withApi(async ({ request, actor }) => updateProfile(getDb(), actor, await readJson(request, profileSchema)), { permission: "devices.read" });
