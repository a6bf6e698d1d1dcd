import { tagColor } from "@/lib/tags/tag-colors";

/** A tag as a coloured pill; the name is always written, so colour is never the only cue. */
export function TagChip({ name, color }: { name: string; color: number }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tagColor(color).chip}`}>{name}</span>;
}
