import Link from "next/link";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import type { ConfigDeviceType } from "@/lib/configuration/config-schemas";
import type { LayerView } from "@/lib/configuration/layer-service";
import { ConfigLayerEditor } from "./config-layer-editor";

/**
 * A farm's or group's configuration by device type: one tab per type (with its device count and a
 * mark when the farm or group sets something of its own), the chosen type's override editor below.
 * The type lives in the URL (`?type=`), so a link can open the ammonia thresholds of one barn.
 */
export function ConfigLayerPanel({ types, selected, layer, hrefFor, canManage, configured }: { types: { type: ConfigDeviceType; devices: number }[]; selected: ConfigDeviceType; layer: LayerView; hrefFor: (type: ConfigDeviceType) => string; canManage: boolean; configured: ReadonlySet<string> }) {
  return (
    <section id="configuration" aria-labelledby="configuration-heading" className="scroll-mt-4 space-y-3 rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id="configuration-heading" className="text-sm font-semibold text-stone-700">
        Configuration and health thresholds by device type
      </h2>
      <nav aria-label="Device types" className="-mx-1 flex gap-1 overflow-x-auto pb-1">
        {types.map(({ type, devices }) => (
          <Link
            key={type}
            href={hrefFor(type)}
            scroll={false}
            aria-current={type === selected ? "page" : undefined}
            className={`shrink-0 rounded-full border px-3 py-1 text-sm whitespace-nowrap ${type === selected ? "border-stone-800 bg-stone-800 text-white" : "border-stone-300 bg-white text-stone-700 hover:bg-stone-50"}`}
          >
            {DEVICE_TYPE_LABEL[type]} <span className={type === selected ? "text-stone-300" : "text-stone-500"}>{devices}</span>
            {configured.has(type) ? <span title="Own settings" aria-label="has own settings"> ●</span> : null}
          </Link>
        ))}
      </nav>
      <ConfigLayerEditor key={layer.deviceType} layer={layer} canManage={canManage} />
    </section>
  );
}
