/** "42 s ago" — computed on the server at render time; AutoRefresh keeps it moving. */
export function timeAgo(date: Date | null, now = new Date()): string {
  if (!date) return "never";
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function TimeAgo({ date }: { date: Date | null }) {
  return (
    <time dateTime={date?.toISOString()} title={date?.toISOString()}>
      {timeAgo(date)}
    </time>
  );
}
