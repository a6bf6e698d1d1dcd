/**
 * The alert words the dashboard uses come from the alerts area (lib/alerts/alert-fields.ts); an
 * alert type a newer worker writes and this build does not know yet still reads as something.
 */
import { ALERT_TYPE_LABEL, AUTO_RESOLVED_PREFIX } from "../alerts/alert-fields";

export { ALERT_SEVERITY_LABEL } from "../alerts/alert-fields";

export function alertTypeLabel(type: string): string {
  return (ALERT_TYPE_LABEL as Record<string, string>)[type] ?? type.replace(/_/g, " ");
}

/** Closed by the health monitor because the cause went away, not by a person. */
export function wasAutoResolved(resolutionNotes: string | null): boolean {
  return resolutionNotes?.startsWith(AUTO_RESOLVED_PREFIX) ?? false;
}
