"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useActionForm } from "@/components/groups/use-action-form";
import { fileClaimAction } from "@/lib/warranty/warranty-actions";
import { checkWarrantyEligibility, WARRANTY_ISSUE_LABEL, WARRANTY_ISSUE_TYPES, type WarrantyIssueType } from "@/lib/warranty/warranty-eligibility";
import { Field, FormMessage, INPUT, PRIMARY } from "./form-field";

export type ClaimDevice = {
  deviceId: string;
  name: string;
  warrantyEnd: string | null;
  warrantyVoidedAt: string | null;
  warrantyVoidReason: string | null;
  warrantyTerms: string | null;
};

/**
 * "File a claim" for one device: the eligibility shows as the issue type is picked (the same rule
 * the server applies); a device that is not eligible takes a reason for a goodwill claim.
 */
export function FileClaimForm({ device, work }: { device: ClaimDevice; work: { id: number; label: string }[] }) {
  const router = useRouter();
  const [issueType, setIssueType] = useState<WarrantyIssueType>("hardware_failure");
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(fileClaimAction);
  const eligibility = checkWarrantyEligibility(
    { warrantyEnd: device.warrantyEnd ? new Date(device.warrantyEnd) : null, warrantyVoidedAt: device.warrantyVoidedAt ? new Date(device.warrantyVoidedAt) : null, warrantyTerms: device.warrantyTerms, warrantyVoidReason: device.warrantyVoidReason },
    issueType,
  );
  useEffect(() => {
    if (state?.ok) router.push(`/inventory/warranty/claims/${state.data.id}?filed=1`);
  }, [state, router]);
  const invalid = (name: string) => ({ "aria-invalid": Boolean(fieldError(name)), "aria-describedby": `claim-${name}-error` });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="File a claim">
      <input type="hidden" name="deviceId" value={device.deviceId} />
      <Field id="claim-issueType" label="Issue" error={fieldError("issueType")}>
        <select id="claim-issueType" name="issueType" value={issueType} onChange={(event) => setIssueType(event.target.value as WarrantyIssueType)} className={INPUT} {...invalid("issueType")}>
          {WARRANTY_ISSUE_TYPES.map((type) => (
            <option key={type} value={type}>
              {WARRANTY_ISSUE_LABEL[type]}
            </option>
          ))}
        </select>
      </Field>
      <div role="status" data-testid="claim-eligibility" className={`rounded-md border px-3 py-2 text-sm ${eligibility.eligible ? "border-green-300 bg-green-50 text-green-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}>
        {eligibility.eligible ? (
          <>
            <strong>Eligible.</strong> {eligibility.daysRemaining} days of warranty left · {eligibility.coverage}
          </>
        ) : (
          <>
            <strong>Not eligible:</strong> {eligibility.reason}. The alternative is a paid repair; file a goodwill claim only with a reason.
          </>
        )}
      </div>
      <Field id="claim-issueDescription" label="What is wrong" error={fieldError("issueDescription")}>
        <textarea id="claim-issueDescription" name="issueDescription" rows={4} placeholder="What fails, since when, what was tried" className={INPUT} {...invalid("issueDescription")} />
      </Field>
      {work.length ? (
        <Field id="claim-maintenanceId" label="Repair work (optional)" error={fieldError("maintenanceId")} hint="The maintenance record of the repair, if there is one">
          <select id="claim-maintenanceId" name="maintenanceId" defaultValue="" className={INPUT} {...invalid("maintenanceId")}>
            <option value="">None</option>
            {work.map((record) => (
              <option key={record.id} value={record.id}>
                {record.label}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {!eligibility.eligible ? (
        <Field id="claim-overrideReason" label="Why file anyway?" error={fieldError("overrideReason")} hint="e.g. the supplier agreed to a goodwill repair">
          <input id="claim-overrideReason" name="overrideReason" className={INPUT} {...invalid("overrideReason")} />
        </Field>
      ) : null}
      <FormMessage error={formError} />
      <button type="submit" disabled={pending || !ready || Boolean(state?.ok)} className={PRIMARY}>
        {pending ? "Filing…" : "File claim"}
      </button>
    </form>
  );
}
