import { mailTransportInfo } from "@/lib/mail/mail-transport-info";

/** Why the Outbox holds these mails: the catcher keeps them, or an SMTP server really sends them. */
export function OutboxBanner() {
  const transport = mailTransportInfo();
  const text =
    transport.mode === "catcher"
      ? "Mails are caught here instead of being sent (no SMTP_URL). Invitations, password resets and alert mails the app sends appear in this list; nothing leaves this machine. Set SMTP_URL to send them for real."
      : transport.mode === "external"
        ? `Mails are sent through ${transport.host}; this list only shows what the local catcher caught.`
        : "No SMTP_URL is set for the web app and no local catcher runs (start the app with npm start): mails wait in the notification queue.";
  return (
    <p role="note" className={`mb-4 rounded-md border px-3 py-2 text-sm ${transport.mode === "catcher" ? "border-sky-200 bg-sky-50 text-sky-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}>
      {text}
    </p>
  );
}
