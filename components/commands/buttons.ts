/** The command screens' buttons (the look of components/devices/device-actions, a touch taller for a thumb). */
export const BUTTON = "inline-flex items-center justify-center rounded-md border px-3 py-2 text-sm font-medium disabled:opacity-60";
export const PRIMARY = `${BUTTON} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`;
export const SECONDARY = `${BUTTON} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`;
export const DANGER = `${BUTTON} border-red-700 bg-red-700 text-white hover:bg-red-800`;
export const DANGER_OUTLINE = `${BUTTON} border-red-300 bg-white text-red-700 hover:bg-red-50`;
