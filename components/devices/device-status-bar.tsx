import { DEVICE_STATE_LABEL, type DeviceStateName } from "@/lib/devices/device-fields";
import { LIFECYCLE_PATH } from "@/lib/devices/lifecycle";

/** Suspended and maintenance sit beside the path: a device leaves them back to active. */
const SIDE_STATES: readonly DeviceStateName[] = ["suspended", "maintenance"];

/**
 * Odoo's status bar: the lifecycle of I-013 §3 left to right with the device's state highlighted,
 * the steps it has passed marked done, and the side states after a divider.
 */
export function DeviceStatusBar({ state }: { state: DeviceStateName }) {
  // A device in a side state has been through registration to active.
  const reached = SIDE_STATES.includes(state) ? LIFECYCLE_PATH.indexOf("active") : LIFECYCLE_PATH.indexOf(state);
  return (
    <div>
      <ol aria-label="Lifecycle" className="flex flex-wrap items-stretch gap-x-0.5 gap-y-1.5 text-xs font-medium sm:text-sm">
        {LIFECYCLE_PATH.map((step, index) => (
          <Step key={step} label={DEVICE_STATE_LABEL[step]} current={step === state} done={index <= reached && step !== state} shape={index === 0 ? "first" : "middle"} />
        ))}
        <li aria-hidden className="mx-1 w-px self-stretch bg-stone-300" />
        {SIDE_STATES.map((step) => (
          <Step key={step} label={DEVICE_STATE_LABEL[step]} current={step === state} done={false} shape="pill" side />
        ))}
      </ol>
    </div>
  );
}

/** Chevrons for the path (the first with a flat left edge), pills for the side states. */
const SHAPE = {
  first: "rounded-l-full pr-5 [clip-path:polygon(0_0,calc(100%_-_10px)_0,100%_50%,calc(100%_-_10px)_100%,0_100%)]",
  middle: "pl-5 pr-5 -ml-1.5 [clip-path:polygon(0_0,calc(100%_-_10px)_0,100%_50%,calc(100%_-_10px)_100%,0_100%,10px_50%)]",
  pill: "rounded-full",
} as const;

function Step({ label, current, done, shape, side }: { label: string; current: boolean; done: boolean; shape: keyof typeof SHAPE; side?: boolean }) {
  const tone = current ? (side ? "bg-amber-500 text-white" : "bg-brand-700 text-white") : done ? "bg-brand-100 text-brand-900" : "bg-stone-200/70 text-stone-600";
  return (
    <li aria-current={current ? "step" : undefined} className={`flex items-center gap-1 px-3 py-1.5 whitespace-nowrap ${SHAPE[shape]} ${tone}`}>
      {done ? <span aria-hidden>✓</span> : null}
      {label}
    </li>
  );
}
