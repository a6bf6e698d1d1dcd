import { Skeleton, SkeletonScreen } from "@/components/ui/skeleton";

/** The device page's shape while it loads: header, the first screen's facts, open alerts, the tabs, field cards. */
export default function DeviceLoading() {
  return (
    <SkeletonScreen label="Loading the device…" className="space-y-4">
      <div className="space-y-2">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-7 w-64 max-w-full" />
        <Skeleton className="h-4 w-48" />
      </div>
      <div className="grid grid-cols-3 gap-px sm:grid-cols-[2fr_1fr_1fr_1fr]">
        <Skeleton className="col-span-3 h-16 rounded-xl sm:col-span-1" />
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-14 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-12 rounded-xl" />
      <div className="grid grid-cols-3 gap-1 sm:flex">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <Skeleton key={i} className="h-10 rounded-lg sm:w-28" />
        ))}
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-48 rounded-xl" />
        ))}
      </div>
    </SkeletonScreen>
  );
}
