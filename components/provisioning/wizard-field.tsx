import type { ReactNode } from "react";

/** Big enough to hit with a thumb in a glove; 16 px text so a phone does not zoom into the field. */
export const INPUT =
  "block w-full min-h-12 rounded-lg border border-stone-300 bg-white px-3 py-2.5 text-base text-stone-900 placeholder:text-stone-500 sm:text-sm aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500 disabled:bg-stone-100";

const BUTTON = "inline-flex min-h-12 items-center justify-center gap-2 rounded-lg px-4 py-2.5 text-base font-medium sm:min-h-10 sm:text-sm disabled:cursor-not-allowed disabled:opacity-60";
export const PRIMARY_BUTTON = `${BUTTON} border border-brand-700 bg-brand-700 text-white hover:bg-brand-800`;
export const SECONDARY_BUTTON = `${BUTTON} border border-stone-300 bg-white text-stone-800 hover:bg-stone-50`;

export type Tone = "error" | "ok" | "hint";

/**
 * A labelled field with one message under it: the error when there is one, else a live verdict
 * ("MM014 is free"), else a hint. The control is the caller's and carries `controlProps`.
 */
export function WizardField({
  id,
  label,
  optional,
  message,
  tone = "hint",
  children,
}: {
  id: string;
  label: string;
  optional?: boolean;
  message?: ReactNode;
  tone?: Tone;
  children: ReactNode;
}) {
  const tones: Record<Tone, string> = { error: "text-red-700", ok: "text-green-800", hint: "text-stone-500" };
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-800">
        {label} {optional ? <span className="font-normal text-stone-500">(optional)</span> : null}
      </label>
      {children}
      {message ? (
        <p id={`${id}-message`} className={`mt-1 flex items-start gap-1 text-sm ${tones[tone]}`} aria-live={tone === "hint" ? undefined : "polite"}>
          {tone === "error" ? <span aria-hidden>✕</span> : tone === "ok" ? <span aria-hidden>✓</span> : null}
          <span>{message}</span>
        </p>
      ) : null}
    </div>
  );
}

export function controlProps(id: string, tone: Tone | undefined, message: ReactNode) {
  return { id, "aria-invalid": tone === "error" ? true : undefined, "aria-describedby": message ? `${id}-message` : undefined };
}
