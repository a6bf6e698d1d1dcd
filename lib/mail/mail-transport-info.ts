/**
 * Where this process's mail goes, for the Outbox banner and log lines: the local catcher that
 * `npm start` / with-services started (they set SDM_MAIL_CATCHER=catcher beside SMTP_URL), an
 * external SMTP server named by SMTP_URL (its host only: the URL may carry a password), or none.
 */
export type MailTransportInfo = { mode: "catcher"; url: string } | { mode: "external"; host: string } | { mode: "none" };

/** The host (and port) of an SMTP URL, never its user or password. */
export function smtpHost(url: string): string {
  try {
    return new URL(url).host || "(no host)";
  } catch {
    return "(not a valid URL)";
  }
}

export function mailTransportInfo(env: Record<string, string | undefined> = process.env): MailTransportInfo {
  const url = env.SMTP_URL?.trim();
  if (!url) return { mode: "none" };
  if (env.SDM_MAIL_CATCHER === "catcher") return { mode: "catcher", url };
  return { mode: "external", host: smtpHost(url) };
}
