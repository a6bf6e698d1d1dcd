import { TAG_PALETTE } from "@/lib/tags/tag-colors";

/**
 * The palette as a row of radio buttons: each swatch has its colour's name for screen readers and a
 * tooltip, and the picked one is ringed and ticked, so the choice does not rest on colour alone.
 */
export function ColorSwatchPicker({ name = "color", defaultValue = 0, idPrefix, error }: { name?: string; defaultValue?: number; idPrefix: string; error?: string }) {
  return (
    <fieldset aria-describedby={error ? `${idPrefix}-error` : undefined}>
      <legend className="mb-1 block text-sm font-medium text-stone-800">Colour</legend>
      <div className="flex flex-wrap gap-1.5">
        {TAG_PALETTE.map((colour, index) => (
          <label key={colour.name} title={colour.name} className="relative cursor-pointer">
            <input type="radio" name={name} value={index} defaultChecked={index === defaultValue} aria-label={colour.name} className="peer sr-only" />
            <span
              aria-hidden
              className="flex h-7 w-7 items-center justify-center rounded-full text-xs font-bold text-white ring-offset-2 peer-checked:ring-2 peer-checked:ring-stone-800 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600 [&>span]:hidden peer-checked:[&>span]:inline"
              style={{ backgroundColor: colour.swatch }}
            >
              <span>✓</span>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${idPrefix}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
