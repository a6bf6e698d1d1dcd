import { useTranslations } from "next-intl";
import { ALERT_SEVERITY_LABEL, ALERT_STATE_LABEL, type AlertSeverityName, type AlertStateName } from "@/lib/alerts/alert-fields";

/** Severity with an icon and a word, never by colour alone (the same shapes as health). */
const SEVERITY: Record<AlertSeverityName, { icon: string; className: string }> = {
  critical: { icon: "■", className: "bg-red-100 text-red-800" },
  warning: { icon: "▲", className: "bg-amber-100 text-amber-900" },
  low: { icon: "●", className: "bg-sky-100 text-sky-900" },
};

const STATE: Record<AlertStateName, { icon: string; className: string }> = {
  active: { icon: "●", className: "text-red-700" },
  acknowledged: { icon: "◐", className: "text-amber-700" },
  resolved: { icon: "✓", className: "text-green-700" },
};

export function SeverityBadge({ severity }: { severity: AlertSeverityName }) {
  const look = SEVERITY[severity];
  const t = useTranslations("enums.alertSeverity");
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${look.className}`}>
      <span aria-hidden>{look.icon}</span>
      {t.has(severity) ? t(severity) : ALERT_SEVERITY_LABEL[severity]}
    </span>
  );
}

export function AlertStateBadge({ state }: { state: AlertStateName }) {
  const look = STATE[state];
  const t = useTranslations("enums.alertState");
  return (
    <span className={`inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap ${look.className}`} data-testid="alert-state">
      <span aria-hidden>{look.icon}</span>
      {t.has(state) ? t(state) : ALERT_STATE_LABEL[state]}
    </span>
  );
}
