import { useTranslations } from "next-intl";

/** Health and connection shown with an icon and a word, never by colour alone. */
const HEALTH = {
  healthy: { label: "Healthy", icon: "●", className: "bg-green-100 text-green-800" },
  warning: { label: "Warning", icon: "▲", className: "bg-amber-100 text-amber-900" },
  critical: { label: "Critical", icon: "■", className: "bg-red-100 text-red-800" },
  unknown: { label: "Unknown", icon: "○", className: "bg-stone-100 text-stone-700" },
} as const;

const CONNECTION = {
  online: { label: "Online", icon: "●", className: "text-green-700" },
  degraded: { label: "Degraded", icon: "◐", className: "text-amber-700" },
  offline: { label: "Offline", icon: "○", className: "text-red-700" },
  connecting: { label: "Connecting", icon: "◌", className: "text-stone-600" },
  error: { label: "Error", icon: "✕", className: "text-red-700" },
  unknown: { label: "Never seen", icon: "○", className: "text-stone-500" },
} as const;

export function HealthBadge({ status }: { status: keyof typeof HEALTH }) {
  const health = HEALTH[status];
  const t = useTranslations("enums.health");
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${health.className}`}>
      <span aria-hidden>{health.icon}</span>
      {t.has(status) ? t(status) : health.label}
    </span>
  );
}

export function ConnectionBadge({ status }: { status: keyof typeof CONNECTION }) {
  const connection = CONNECTION[status];
  const t = useTranslations("enums.connection");
  return (
    <span className={`inline-flex items-center gap-1 text-xs font-medium ${connection.className}`}>
      <span aria-hidden>{connection.icon}</span>
      {t.has(status) ? t(status) : connection.label}
    </span>
  );
}
