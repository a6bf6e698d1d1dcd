"use client";

import { useRef } from "react";
import { useActionForm } from "@/components/groups/use-action-form";
import { moveClaimAction } from "@/lib/warranty/warranty-actions";
import type { ClaimStatus } from "@/lib/warranty/warranty-schemas";
import { Field, FormMessage, INPUT, PRIMARY, SECONDARY } from "./form-field";

/** The claim's next step, as its status allows: submit with the RMA number, approve or reject, close. */
export function ClaimTransitions({ claimId, status, currency }: { claimId: number; status: ClaimStatus; currency: string }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(moveClaimAction);
  const invalid = (name: string) => ({ "aria-invalid": Boolean(fieldError(name)), "aria-describedby": `move-${name}-error` });
  const error = formError ?? (state && !state.ok && fieldError("status") ? state.error : undefined);
  const busy = pending || !ready;
  // Which answer was clicked: FormData of a submit event leaves the submit button out.
  const decision = useRef<HTMLInputElement>(null);
  if (status === "closed") return null;

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Next step">
      <input type="hidden" name="claimId" value={claimId} />
      {status === "open" ? (
        <>
          <p className="text-sm text-stone-700">Send the claim to the supplier and note the RMA (return) number they gave.</p>
          <input type="hidden" name="status" value="submitted" />
          <Field id="move-rmaNumber" label="RMA number" error={fieldError("rmaNumber")}>
            <input id="move-rmaNumber" name="rmaNumber" className={INPUT} {...invalid("rmaNumber")} />
          </Field>
          <button type="submit" disabled={busy} className={PRIMARY}>
            {pending ? "Saving…" : "Mark submitted"}
          </button>
        </>
      ) : null}
      {status === "submitted" ? (
        <>
          <p className="text-sm text-stone-700">What did the supplier answer?</p>
          <Field id="move-resolutionNotes" label="Notes (optional)" error={fieldError("resolutionNotes")}>
            <textarea id="move-resolutionNotes" name="resolutionNotes" rows={2} className={INPUT} {...invalid("resolutionNotes")} />
          </Field>
          <input ref={decision} type="hidden" name="status" defaultValue="approved" />
          <div className="flex flex-wrap gap-2">
            <button type="submit" disabled={busy} className={PRIMARY} onClick={() => (decision.current!.value = "approved")}>
              Approved
            </button>
            <button type="submit" disabled={busy} className={SECONDARY} onClick={() => (decision.current!.value = "rejected")}>
              Rejected
            </button>
          </div>
        </>
      ) : null}
      {status === "approved" || status === "rejected" ? (
        <>
          <input type="hidden" name="status" value="closed" />
          {status === "approved" ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <Field id="move-resolution" label="Resolution" error={fieldError("resolution")}>
                <select id="move-resolution" name="resolution" defaultValue="repaired" className={INPUT} {...invalid("resolution")}>
                  <option value="repaired">Repaired</option>
                  <option value="replaced">Replaced</option>
                  <option value="refunded">Refunded</option>
                </select>
              </Field>
              <Field id="move-costCovered" label={`Cost covered (${currency})`} error={fieldError("costCovered")}>
                <input id="move-costCovered" name="costCovered" inputMode="decimal" placeholder="0.00" className={INPUT} {...invalid("costCovered")} />
              </Field>
            </div>
          ) : (
            <>
              <input type="hidden" name="resolution" value="rejected" />
              <p className="text-sm text-stone-700">The supplier rejected the claim: close it; nothing is covered.</p>
            </>
          )}
          <Field id="move-resolutionNotes" label="Resolution notes" error={fieldError("resolutionNotes")}>
            <textarea id="move-resolutionNotes" name="resolutionNotes" rows={2} className={INPUT} {...invalid("resolutionNotes")} />
          </Field>
          <button type="submit" disabled={busy} className={PRIMARY}>
            {pending ? "Closing…" : "Close claim"}
          </button>
        </>
      ) : null}
      <FormMessage error={error} />
    </form>
  );
}
