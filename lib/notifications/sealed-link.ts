/**
 * Links that hold a secret (invitation and password reset tokens) are not stored in clear in the
 * outbox: the body keeps a placeholder and payload.sealedLink the link sealed (secret-box); the
 * delivery opens it and puts it in the mail only when sending, and blanks it once the mail is sent.
 */
import { openSecret } from "../security/secret-box";

export const LINK_PLACEHOLDER = "{link}";

/** The body as it is sent: the sealed link, if any, in place of the placeholder. Throws if it cannot be opened. */
export function bodyWithLink(body: string, payload: Record<string, unknown> | null | undefined): string {
  const sealed = payload?.sealedLink;
  if (typeof sealed !== "string" || sealed === "") return body;
  return body.split(LINK_PLACEHOLDER).join(openSecret(sealed));
}
