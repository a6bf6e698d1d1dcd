import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LogLinesView } from "@/components/commands/log-lines-view";
import { LogViewerFilters } from "@/components/commands/log-viewer-filters";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getLogBundle, readLogBundle } from "@/lib/commands/log-bundles";
import { parseLevelFilter } from "@/lib/commands/log-lines";
import { getDb } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ deviceId: string; bundleId: string }>; searchParams: Promise<{ search?: string; level?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { deviceId, bundleId } = await params;
  return { title: `Logs ${bundleId} · ${decodeURIComponent(deviceId)}` };
}

/** One log bundle of a device, read in the browser: search, level filter, newest lines last. */
export default async function LogBundlePage({ params, searchParams }: Props) {
  const actor = await requirePageActor("devices.read");
  const { deviceId: rawId, bundleId } = await params;
  const deviceId = decodeURIComponent(rawId);
  const query = await searchParams;
  const search = typeof query.search === "string" ? query.search.slice(0, 200) : "";
  // An unknown level in a hand-edited URL reads as no filter rather than an error page.
  const level = typeof query.level === "string" && parseLevelFilter(query.level) ? query.level.toLowerCase() : "";
  const db = getDb();
  const device = encodeURIComponent(deviceId);

  let reading;
  let waiting: string | null = null;
  try {
    reading = await readLogBundle(db, getBlobStore(), actor, deviceId, bundleId, { search, level });
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (!(error instanceof ConflictError)) throw error;
    waiting = error.message;
  }
  const summary = reading ?? (await getLogBundle(db, actor, deviceId, bundleId).catch(() => notFound()));
  const bundle = summary.bundle;

  return (
    <div className="mx-auto max-w-5xl">
      <p className="mb-2 text-sm">
        <Link href={`/devices/${device}`} className="text-stone-600 underline hover:text-stone-900">
          ← {summary.device.name} ({summary.device.deviceId})
        </Link>
      </p>
      <PageHeader
        title={`Logs of ${summary.device.deviceId}`}
        description={`Last ${bundle.timeRangeHours} h · ${bundle.logTypes.join(", ")}${bundle.uploadedAt ? ` · uploaded ${bundle.uploadedAt.slice(0, 16).replace("T", " ")} UTC` : ""}${bundle.lineCount !== null ? ` · ${bundle.lineCount} lines` : ""}`}
        actions={
          bundle.state === "stored" ? (
            <a href={`/api/v1/devices/${device}/logs/${bundle.id}`} download className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Download .log.gz
            </a>
          ) : null
        }
      />
      {waiting || !reading ? (
        <EmptyState title={bundle.state === "failed" ? "No logs: the collection failed" : "The device has not uploaded these logs yet"}>
          {waiting}
          {bundle.lastRefusal ? <p className="mt-2 text-red-700">Last refused upload: {bundle.lastRefusal}</p> : null}
        </EmptyState>
      ) : (
        <>
          <LogViewerFilters level={level} />
          <p className="mb-2 text-xs text-stone-600" aria-live="polite">
            {reading.matched === reading.total ? `${reading.total} lines` : `${reading.matched} of ${reading.total} lines match`}
            {reading.truncated ? ` · showing the newest ${reading.lines.length}; download the file for all of them` : ""}
          </p>
          {reading.lines.length === 0 ? <EmptyState title="No line matches">Try another search or level.</EmptyState> : <LogLinesView lines={reading.lines} />}
        </>
      )}
    </div>
  );
}
