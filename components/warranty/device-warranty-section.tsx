import Link from "next/link";
import { formatDate } from "@/components/devices/device-values";
import { can, type Actor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { WARRANTY_ISSUE_LABEL, type WarrantyIssueType } from "@/lib/warranty/warranty-eligibility";
import { deviceWarranty } from "@/lib/warranty/warranty-coverage";
import { ClaimStatusBadge, formatMoney } from "./claim-status-badge";
import { WarrantyActions } from "./warranty-forms";
import { daysLeftText, WarrantyStatusBadge } from "./warranty-status-badge";

/**
 * The device page's Warranty section: status and days left, dates and terms, the void mark, claims
 * and extensions, and the actions for those who manage assets. Loads its own data.
 */
export async function DeviceWarrantySection({ deviceId, actor }: { deviceId: string; actor: Actor }) {
  const view = await deviceWarranty(getDb(), actor, deviceId);
  const { device } = view;
  const retired = device.state === "decommissioned";
  return (
    <section id="warranty" aria-labelledby="warranty-heading" className="scroll-mt-4 space-y-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="warranty-heading" className="text-sm font-semibold text-stone-700">
          Warranty
        </h2>
        <Link href="/inventory/warranty" className="text-xs text-brand-700 underline">
          All claims
        </Link>
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4" data-testid="warranty-summary">
        <div>
          <dt className="text-xs text-stone-500">Status</dt>
          <dd className="flex flex-wrap items-center gap-1.5">
            <WarrantyStatusBadge status={view.status} />
            {view.status !== "void" ? <span className="text-xs text-stone-600">{daysLeftText(view.daysLeft)}</span> : null}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">Start</dt>
          <dd>{formatDate(device.warrantyStart ?? device.purchaseDate)}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">End</dt>
          <dd>{formatDate(device.warrantyEnd)}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">Terms</dt>
          <dd>{device.warrantyTerms ?? "—"}</dd>
        </div>
      </dl>
      {device.warrantyVoidedAt ? (
        <p className="rounded-md border border-stone-300 bg-stone-50 px-3 py-2 text-sm">
          Void since {formatDate(device.warrantyVoidedAt)}: {device.warrantyVoidReason ?? "no reason given"}
        </p>
      ) : null}

      <div>
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Claims</h3>
        {view.claims.length ? (
          <ul className="divide-y divide-stone-100 text-sm">
            {view.claims.map((claim) => (
              <li key={claim.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0">
                  <Link href={`/inventory/warranty/claims/${claim.id}`} className="font-mono text-brand-700 underline">
                    {claim.claimNumber}
                  </Link>{" "}
                  {WARRANTY_ISSUE_LABEL[claim.issueType as WarrantyIssueType] ?? claim.issueType}
                  <span className="text-stone-500"> · filed {formatDate(claim.filedAt)}</span>
                </span>
                <span className="flex items-center gap-2">
                  {claim.costCovered !== null ? <span className="text-xs text-stone-600">{formatMoney(claim.costCovered, view.currency)} covered</span> : null}
                  <ClaimStatusBadge status={claim.status} />
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-stone-500">No claims.</p>
        )}
      </div>

      {view.extensions.length ? (
        <div>
          <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Extensions</h3>
          <ul className="divide-y divide-stone-100 text-sm">
            {view.extensions.map((extension) => (
              <li key={extension.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span>
                  +{extension.months} months to {formatDate(extension.newEnd)}
                  {extension.provider ? <span className="text-stone-500"> · {extension.provider}</span> : null}
                </span>
                <span className="text-stone-600">{formatMoney(extension.cost, view.currency)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <WarrantyActions deviceId={device.deviceId} voided={device.warrantyVoidedAt !== null} currency={view.currency} canManage={!retired && can(actor.role, "assets.manage")} />
    </section>
  );
}
