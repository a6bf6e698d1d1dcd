"use server";

import type { ActionResult } from "@/lib/actions/define-action";
import { setPasswordWithLink } from "@/lib/users/link-action";

export async function acceptInvitationAction(_previous: ActionResult<{ email: string }> | null, input: FormData) {
  return setPasswordWithLink("invitation", input);
}
