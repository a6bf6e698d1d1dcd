/**
 * Tag and group colours are stored as an index into a fixed palette, as Odoo's `color` integer
 * (M92 `iot.device.tag.color`), so imports and the API carry a small number, not CSS.
 */
export const TAG_PALETTE = [
  { name: "Grey", chip: "bg-stone-100 text-stone-800 ring-stone-300", swatch: "#a8a29e" },
  { name: "Red", chip: "bg-red-100 text-red-800 ring-red-300", swatch: "#ef4444" },
  { name: "Orange", chip: "bg-orange-100 text-orange-800 ring-orange-300", swatch: "#f97316" },
  { name: "Yellow", chip: "bg-yellow-100 text-yellow-900 ring-yellow-300", swatch: "#eab308" },
  { name: "Lime", chip: "bg-lime-100 text-lime-900 ring-lime-300", swatch: "#84cc16" },
  { name: "Green", chip: "bg-green-100 text-green-800 ring-green-300", swatch: "#22c55e" },
  { name: "Teal", chip: "bg-teal-100 text-teal-800 ring-teal-300", swatch: "#14b8a6" },
  { name: "Sky", chip: "bg-sky-100 text-sky-800 ring-sky-300", swatch: "#0ea5e9" },
  { name: "Blue", chip: "bg-blue-100 text-blue-800 ring-blue-300", swatch: "#3b82f6" },
  { name: "Violet", chip: "bg-violet-100 text-violet-800 ring-violet-300", swatch: "#8b5cf6" },
  { name: "Pink", chip: "bg-pink-100 text-pink-800 ring-pink-300", swatch: "#ec4899" },
  { name: "Brown", chip: "bg-amber-100 text-amber-900 ring-amber-300", swatch: "#b45309" },
] as const;

export function tagColor(index: number) {
  return TAG_PALETTE[((index % TAG_PALETTE.length) + TAG_PALETTE.length) % TAG_PALETTE.length]!;
}
