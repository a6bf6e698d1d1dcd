"use server";

import type { ActionResult } from "@/lib/actions/define-action";
import { setPasswordWithLink } from "@/lib/users/link-action";

export async function resetPasswordAction(_previous: ActionResult<{ email: string }> | null, input: FormData) {
  return setPasswordWithLink("password_reset", input);
}
