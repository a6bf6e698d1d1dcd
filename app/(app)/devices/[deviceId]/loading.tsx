/** The device page's shape while it loads: header, status bar, smart buttons, field cards. */
export default function DeviceLoading() {
  return (
    <div className="animate-pulse space-y-5" aria-busy="true" aria-label="Loading the device">
      <div className="space-y-2">
        <div className="h-4 w-20 rounded bg-stone-200" />
        <div className="h-8 w-64 max-w-full rounded bg-stone-200" />
        <div className="h-4 w-48 rounded bg-stone-200" />
      </div>
      <div className="h-8 w-full max-w-2xl rounded-full bg-stone-200" />
      <div className="grid grid-cols-2 gap-2 sm:flex">
        {[0, 1, 2, 3].map((i) => <div key={i} className="h-14 rounded-lg bg-stone-200 sm:w-36" />)}
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {[0, 1, 2, 3, 4, 5].map((i) => <div key={i} className="h-48 rounded-xl bg-stone-200" />)}
      </div>
    </div>
  );
}
