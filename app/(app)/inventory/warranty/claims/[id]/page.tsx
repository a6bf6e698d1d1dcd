import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatDate, formatDateTime } from "@/components/devices/device-values";
import { PageHeader } from "@/components/ui/page-header";
import { ClaimStatusBadge, formatMoney } from "@/components/warranty/claim-status-badge";
import { ClaimTransitions } from "@/components/warranty/claim-transitions";
import { daysLeftText, WarrantyStatusBadge } from "@/components/warranty/warranty-status-badge";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { CLAIM_TRANSITIONS, getWarrantyClaim } from "@/lib/warranty/warranty-claims";
import { WARRANTY_ISSUE_LABEL, type WarrantyIssueType } from "@/lib/warranty/warranty-eligibility";
import { CLAIM_STATUS_LABEL, CLAIM_STATUSES, type ClaimStatus } from "@/lib/warranty/warranty-schemas";
import { warrantyDaysLeft, warrantyStatus } from "@/lib/warranty/warranty-status";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ filed?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = Number((await params).id);
  return { title: Number.isInteger(id) ? `Claim WC-${String(id).padStart(6, "0")}` : "Claim" };
}

/** One claim: what failed, where it stands (the steps so far), and its next step. */
export default async function ClaimPage({ params, searchParams }: Props) {
  const actor = await requirePageActor("devices.read");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const claim = await getWarrantyClaim(getDb(), actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const status = claim.status as ClaimStatus;
  const warranty = warrantyStatus(claim.device);
  const steps: { status: ClaimStatus; at: Date | null; detail?: string | null }[] = [
    { status: "open", at: claim.filedAt, detail: claim.filedBy ? `by ${claim.filedBy}` : null },
    { status: "submitted", at: claim.submittedAt, detail: claim.rmaNumber ? `RMA ${claim.rmaNumber}` : null },
    ...(status === "rejected" || claim.resolution === "rejected" ? [{ status: "rejected" as const, at: null }] : [{ status: "approved" as const, at: null }]),
    { status: "closed", at: claim.closedAt, detail: claim.closedBy ? `by ${claim.closedBy}` : null },
  ];
  const reached = (step: ClaimStatus) => CLAIM_STATUSES.indexOf(step) <= CLAIM_STATUSES.indexOf(status) || status === "closed";
  const canMove = can(actor.role, "assets.manage") && CLAIM_TRANSITIONS[status].length > 0;

  return (
    <div className="mx-auto max-w-3xl space-y-5">
      <PageHeader title={claim.claimNumber} description={`${WARRANTY_ISSUE_LABEL[claim.issueType as WarrantyIssueType] ?? claim.issueType} · ${claim.device.deviceId} ${claim.device.name}`} actions={<ClaimStatusBadge status={claim.status} />} />
      <p className="text-sm">
        <Link href="/inventory/warranty" className="text-brand-700 underline">
          ← All claims
        </Link>
      </p>
      {(await searchParams).filed === "1" ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Claim filed. Quote {claim.claimNumber} to the supplier.
        </p>
      ) : null}

      <ol className="flex flex-wrap gap-2 text-xs" aria-label="Steps" data-testid="claim-steps">
        {steps.map((step) => (
          <li key={step.status} className={`rounded-full border px-3 py-1 ${reached(step.status) ? "border-brand-700 bg-brand-50 text-brand-900" : "border-stone-200 text-stone-500"}`}>
            {CLAIM_STATUS_LABEL[step.status]}
            {step.at ? ` · ${formatDate(step.at)}` : ""}
          </li>
        ))}
      </ol>

      <section className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
        <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-xs text-stone-500">Device</dt>
            <dd>
              <Link href={`/devices/${claim.device.deviceId}#warranty`} className="font-mono text-brand-700 underline">
                {claim.device.deviceId}
              </Link>{" "}
              {claim.device.name} <span className="text-stone-500">· {claim.farmName}</span>
            </dd>
          </div>
          <div>
            <dt className="text-xs text-stone-500">Warranty now</dt>
            <dd className="flex flex-wrap items-center gap-1.5">
              <WarrantyStatusBadge status={warranty} />
              <span className="text-xs text-stone-600">
                ends {formatDate(claim.device.warrantyEnd)}
                {claim.device.warrantyEnd && warranty !== "void" ? ` · ${daysLeftText(warrantyDaysLeft(claim.device.warrantyEnd))}` : ""}
              </span>
            </dd>
          </div>
          <div>
            <dt className="text-xs text-stone-500">Filed</dt>
            <dd>
              {formatDateTime(claim.filedAt, claim.timeZone)}{claim.filedBy ? ` by ${claim.filedBy}` : ""}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-stone-500">RMA number</dt>
            <dd className="font-mono">{claim.rmaNumber ?? "—"}</dd>
          </div>
          <div className="sm:col-span-2">
            <dt className="text-xs text-stone-500">Issue</dt>
            <dd className="whitespace-pre-line">{claim.issueDescription}</dd>
          </div>
          {claim.maintenance ? (
            <div className="sm:col-span-2">
              <dt className="text-xs text-stone-500">Repair work</dt>
              <dd>
                <Link href={`/maintenance/${claim.maintenance.id}`} className="text-brand-700 underline">
                  {formatDate(claim.maintenance.scheduledDate)} · {claim.maintenance.maintenanceType.replace("_", " ")}
                </Link>{" "}
                <span className="text-stone-500">({claim.maintenance.status})</span>
              </dd>
            </div>
          ) : null}
          {claim.resolution || claim.resolutionNotes ? (
            <>
              <div>
                <dt className="text-xs text-stone-500">Resolution</dt>
                <dd className="capitalize">{claim.resolution ?? "—"}</dd>
              </div>
              <div>
                <dt className="text-xs text-stone-500">Cost covered</dt>
                <dd>{formatMoney(claim.costCovered, claim.currency)}</dd>
              </div>
              <div className="sm:col-span-2">
                <dt className="text-xs text-stone-500">Notes</dt>
                <dd className="whitespace-pre-line">{claim.resolutionNotes ?? "—"}</dd>
              </div>
            </>
          ) : null}
        </dl>
      </section>

      {canMove ? (
        <section aria-labelledby="next-step" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
          <h2 id="next-step" className="mb-3 text-sm font-semibold text-stone-700">
            Next step
          </h2>
          <ClaimTransitions key={status} claimId={claim.id} status={status} currency={claim.currency} />
        </section>
      ) : null}
    </div>
  );
}
