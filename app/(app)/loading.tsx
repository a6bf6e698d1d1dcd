import { HeaderSkeleton, Skeleton, SkeletonScreen } from "@/components/ui/skeleton";

/** Any area without its own loading.tsx: the dashboard's shape (header, four cards, a panel). */
export default function Loading() {
  return (
    <SkeletonScreen label="Loading…" className="space-y-4">
      <HeaderSkeleton actions={0} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-24 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-64 rounded-xl" />
    </SkeletonScreen>
  );
}
