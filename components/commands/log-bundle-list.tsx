import Link from "next/link";
import { formatDateTime } from "@/components/devices/device-values";
import type { LogBundleView } from "@/lib/commands/log-bundles";

const STATE: Record<LogBundleView["state"], { label: string; icon: string; className: string }> = {
  awaiting_upload: { label: "Waiting for upload", icon: "◌", className: "text-stone-600" },
  stored: { label: "Stored", icon: "●", className: "text-green-700" },
  failed: { label: "Failed", icon: "✕", className: "text-red-700" },
};

function size(bytes: number | null) {
  if (bytes === null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}


/**
 * A device's log bundles (the listLogBundles result): each stored one opens in the viewer and
 * downloads as .log.gz. Collecting is the get_logs command (the Commands section sends it).
 */
export function LogBundleList({ bundles, deviceId, timeZone }: { bundles: LogBundleView[]; deviceId: string; timeZone: string }) {
  const device = encodeURIComponent(deviceId);
  return (
    <section aria-labelledby="log-bundles-title" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id="log-bundles-title" className="mb-3 text-sm font-semibold text-stone-700">
        Logs
      </h2>
      {bundles.length === 0 ? (
        <p className="text-sm text-stone-600">No logs collected yet. “Collect logs” asks the device to upload its recent log lines.</p>
      ) : (
        <ul className="divide-y divide-stone-100">
          {bundles.map((bundle) => {
            const state = STATE[bundle.state];
            return (
              <li key={bundle.id} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 py-2 text-sm">
                <div className="min-w-0">
                  <p className="font-medium text-stone-900">
                    {formatDateTime(bundle.uploadedAt ?? bundle.createdAt, timeZone)} · last {bundle.timeRangeHours} h
                  </p>
                  <p className="text-xs text-stone-600">
                    <span className={`font-medium ${state.className}`}>
                      <span aria-hidden>{state.icon}</span> {state.label}
                    </span>
                    {" · "}
                    {bundle.logTypes.join(", ")}
                    {bundle.state === "stored" ? ` · ${bundle.lineCount ?? 0} lines, ${size(bundle.sizeBytes)}` : ""}
                    {bundle.refusedUploads > 0 ? ` · ${bundle.refusedUploads} upload${bundle.refusedUploads === 1 ? "" : "s"} refused` : ""}
                  </p>
                  {bundle.state !== "stored" && bundle.lastRefusal ? <p className="text-xs text-red-700">{bundle.lastRefusal}</p> : null}
                </div>
                {bundle.state === "stored" ? (
                  <div className="flex gap-3 text-sm">
                    <Link href={`/devices/${device}/logs/${bundle.id}`} className="font-medium text-brand-700 underline">
                      Read
                    </Link>
                    <a href={`/api/v1/devices/${device}/logs/${bundle.id}`} className="text-stone-700 underline" download>
                      Download
                    </a>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
