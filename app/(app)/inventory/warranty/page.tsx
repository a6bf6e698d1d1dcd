import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/components/devices/device-values";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { ClaimStatusBadge, formatMoney } from "@/components/warranty/claim-status-badge";
import { daysLeftText } from "@/components/warranty/warranty-status-badge";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { listWarrantyClaims } from "@/lib/warranty/warranty-claims";
import { expiringWarranties } from "@/lib/warranty/warranty-coverage";
import { WARRANTY_ISSUE_LABEL, type WarrantyIssueType } from "@/lib/warranty/warranty-eligibility";
import { CLAIM_STATUS_LABEL, CLAIM_STATUSES, type ClaimStatus } from "@/lib/warranty/warranty-schemas";

export const metadata: Metadata = { title: "Warranty" };
export const dynamic = "force-dynamic";

const WINDOWS = [30, 60, 90] as const;
const PAGE_SIZE = 50;

type Search = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Claims with their status counts, and the warranties that end soon. Filters live in the URL. */
export default async function WarrantyPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor("devices.read");
  const raw = await searchParams;
  const status = CLAIM_STATUSES.includes(one(raw.status) as ClaimStatus) ? (one(raw.status) as ClaimStatus) : undefined;
  const farmParam = Number(one(raw.farm));
  const farms = await visibleFarms(actor);
  const farm = Number.isInteger(farmParam) && farms.some((f) => f.id === farmParam) ? farmParam : ((await selectedFarmId(actor)) ?? undefined);
  const expiring = WINDOWS.find((days) => String(days) === one(raw.expiring)) ?? 30;
  const page = Math.min(100_000, Math.max(1, Math.trunc(Number(one(raw.page))) || 1));
  const db = getDb();
  const [claims, soon, rates] = await Promise.all([
    listWarrantyClaims(db, actor, { status, farm, page, pageSize: PAGE_SIZE }),
    expiringWarranties(db, actor, { farmId: farm ?? null, days: expiring, take: 100 }),
    db.farmCostRates.findMany({ select: { farmId: true, currency: true } }),
  ]);
  const currencyOf = (farmId: number) => rates.find((rate) => rate.farmId === farmId)?.currency ?? "EUR";
  const farmName = (farmId: number) => farms.find((f) => f.id === farmId)?.name ?? "";
  const all = Object.values(claims.counts).reduce((sum, count) => sum + count, 0);
  const link = (changes: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    const merged = { status, farm: one(raw.farm), expiring: one(raw.expiring), ...changes };
    for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== "") params.set(key, String(value));
    return params.size ? `/inventory/warranty?${params}` : "/inventory/warranty";
  };
  const pages = Math.max(1, Math.ceil(claims.total / PAGE_SIZE));

  return (
    <div className="space-y-5">
      <PageHeader
        title="Warranty"
        description="Warranty claims with their supplier's RMA number and outcome, and the warranties that end soon."
        actions={
          can(actor.role, "assets.manage") ? (
            <Link href="/inventory/warranty/claims/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
              File a claim
            </Link>
          ) : null
        }
      />

      <section aria-labelledby="claims-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="claims-heading" className="text-base font-semibold text-stone-800">
            Claims
          </h2>
          {farms.length > 1 ? (
            <form method="get" action="/inventory/warranty" className="flex items-end gap-2">
              {status ? <input type="hidden" name="status" value={status} /> : null}
              {one(raw.expiring) ? <input type="hidden" name="expiring" value={expiring} /> : null}
              <label className="text-sm">
                <span className="mb-1 block text-xs text-stone-500">Farm</span>
                <select name="farm" defaultValue={farm ? String(farm) : ""} className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm">
                  <option value="">All farms</option>
                  {farms.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm">
                Apply
              </button>
            </form>
          ) : null}
        </div>
        <nav aria-label="Claim status" className="flex flex-wrap gap-2 text-sm" data-testid="claim-counts">
          <StatusLink href={link({ status: undefined, page: undefined })} active={!status} label="All" count={all} />
          {CLAIM_STATUSES.map((value) => (
            <StatusLink key={value} href={link({ status: value, page: undefined })} active={status === value} label={CLAIM_STATUS_LABEL[value]} count={claims.counts[value]} />
          ))}
        </nav>
        {claims.data.length ? (
          <DataTable minWidth={760} columns={[{ label: "Claim" }, { label: "Device" }, { label: "Issue" }, { label: "Status" }, { label: "Filed" }, { label: "RMA" }, { label: "Covered", align: "right" }]}>
            {claims.data.map((claim) => (
              <tr key={claim.id} className="hover:bg-stone-50">
                <td className="px-3 py-2">
                  <Link href={`/inventory/warranty/claims/${claim.id}`} className="font-mono whitespace-nowrap text-brand-700 underline">
                    {claim.claimNumber}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <Link href={`/devices/${claim.device.deviceId}`} className="font-mono text-xs text-brand-700 underline">
                    {claim.device.deviceId}
                  </Link>{" "}
                  <span className="text-stone-600">{claim.device.name}</span>
                  {farms.length > 1 && !farm ? <span className="block text-xs text-stone-500">{farmName(claim.farmId)}</span> : null}
                </td>
                <td className="px-3 py-2">{WARRANTY_ISSUE_LABEL[claim.issueType as WarrantyIssueType] ?? claim.issueType}</td>
                <td className="px-3 py-2">
                  <ClaimStatusBadge status={claim.status} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(claim.filedAt)}</td>
                <td className="px-3 py-2 font-mono text-xs">{claim.rmaNumber ?? "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{claim.costCovered !== null ? formatMoney(claim.costCovered, currencyOf(claim.farmId)) : "—"}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p className="rounded-xl border border-dashed border-stone-300 bg-white p-6 text-center text-sm text-stone-500">{status ? `No ${CLAIM_STATUS_LABEL[status].toLowerCase()} claims.` : "No warranty claims yet."}</p>
        )}
        {pages > 1 ? (
          <p className="flex gap-3 text-sm">
            {page > 1 ? <Link href={link({ page: page - 1 })} className="text-brand-700 underline">Previous</Link> : null}
            <span className="text-stone-500">Page {page} of {pages}</span>
            {page < pages ? <Link href={link({ page: page + 1 })} className="text-brand-700 underline">Next</Link> : null}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="expiring-heading" className="space-y-3" id="expiring">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="expiring-heading" className="text-base font-semibold text-stone-800">
            Warranties ending in the next {expiring} days <span className="font-normal text-stone-500">({soon.total})</span>
          </h2>
          <nav aria-label="Window" className="flex gap-2 text-sm">
            {WINDOWS.map((days) => (
              <Link key={days} href={`${link({ expiring: days, page: undefined })}#expiring`} aria-current={days === expiring ? "true" : undefined} className={`rounded-full border px-3 py-1 ${days === expiring ? "border-brand-700 bg-brand-700 text-white" : "border-stone-300 bg-white text-stone-700 hover:border-brand-600"}`}>
                {days} days
              </Link>
            ))}
          </nav>
        </div>
        {soon.data.length ? (
          <DataTable minWidth={680} columns={[{ label: "Device" }, { label: "Type" }, { label: "Farm" }, { label: "Ends" }, { label: "Left" }, { label: "Supplier" }]}>
            {soon.data.map((device) => (
              <tr key={device.id} className="hover:bg-stone-50">
                <td className="px-3 py-2">
                  <Link href={`/devices/${device.deviceId}#warranty`} className="font-mono text-xs text-brand-700 underline">
                    {device.deviceId}
                  </Link>{" "}
                  <span className="text-stone-600">{device.name}</span>
                </td>
                <td className="px-3 py-2">{DEVICE_TYPE_LABEL[device.deviceType as DeviceTypeName] ?? device.deviceType}</td>
                <td className="px-3 py-2">{device.farm.name}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(device.warrantyEnd)}</td>
                <td className={`px-3 py-2 whitespace-nowrap ${device.daysLeft < 30 ? "font-medium text-amber-800" : ""}`}>{daysLeftText(device.daysLeft)}</td>
                <td className="px-3 py-2">{device.supplier ?? "—"}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p className="rounded-xl border border-dashed border-stone-300 bg-white p-6 text-center text-sm text-stone-500">No warranty ends in the next {expiring} days.</p>
        )}
        {soon.total > soon.data.length ? <p className="text-xs text-stone-500">The first {soon.data.length} of {soon.total}.</p> : null}
      </section>
    </div>
  );
}

function StatusLink({ href, active, label, count }: { href: string; active: boolean; label: string; count: number }) {
  return (
    <Link href={href} aria-current={active ? "page" : undefined} className={`rounded-full border px-3 py-1 ${active ? "border-brand-700 bg-brand-700 text-white" : "border-stone-300 bg-white text-stone-700 hover:border-brand-600"}`}>
      {label} <span className="tabular-nums opacity-80">{count}</span>
    </Link>
  );
}
