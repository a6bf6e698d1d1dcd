/**
 * How the device page writes a value: times in the farm's time zone, calendar dates as stored,
 * durations and byte counts in words a farmer reads at a glance, and "—" for nothing.
 */
import type { ReactNode } from "react";
import { clockFor, formatDate as formatDateIn, formatDateTime as formatDateTimeIn, formatNumber as formatNumberIn, type Locale } from "@/lib/i18n/format";

export const EMPTY = "—";

/**
 * A moment (last seen, provisioned at) in the farm's own clock, e.g. "23 Nov 2026, 07:00"; in the
 * person's language where the caller knows it (lib/i18n/format.ts), English otherwise.
 */
export function formatDateTime(date: Date | string | null | undefined, timeZone: string, locale: Locale = "en"): string {
  if (!date) return EMPTY;
  const value = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return String(date);
  return formatDateTimeIn(value, clockFor({ locale }, { timezone: timeZone }));
}

/**
 * A calendar date (next maintenance, warranty end): stored at UTC midnight, so it is read in UTC;
 * read in a farm west of Greenwich it would show the day before.
 */
export function formatDate(date: Date | string | null | undefined, locale: Locale = "en"): string {
  if (!date) return EMPTY;
  const value = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return String(date);
  return formatDateIn(value, { locale, timeZone: "UTC" });
}

/** "YYYY-MM-DD" for a date input, from the same UTC reading as formatDate. */
export function dateInputValue(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 10) : "";
}

/** 93784 → "1 d 2 h": the two largest units are enough to judge an uptime. */
export function formatDuration(seconds: number | bigint | null | undefined): string {
  if (seconds === null || seconds === undefined) return EMPTY;
  const total = Number(seconds);
  if (!Number.isFinite(total) || total < 0) return EMPTY;
  if (total < 60) return `${Math.round(total)} s`;
  const parts = [
    [Math.floor(total / 86_400), "d"],
    [Math.floor((total % 86_400) / 3_600), "h"],
    [Math.floor((total % 3_600) / 60), "min"],
  ] as const;
  const first = parts.findIndex(([count]) => count > 0);
  return parts
    .slice(first, first + 2)
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}`)
    .join(" ");
}

/** 1_234_567 → "1.2 MB" (decimal units, as network counters and data plans count). */
export function formatBytes(bytes: number | bigint | null | undefined): string {
  if (bytes === null || bytes === undefined) return EMPTY;
  const value = Number(bytes);
  if (!Number.isFinite(value) || value < 0) return EMPTY;
  const units = ["B", "kB", "MB", "GB", "TB"];
  let size = value;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatNumber(value: number | null | undefined, unit?: string, digits = 0, locale: Locale = "en"): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  const text = formatNumberIn(value, { locale }, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
}

export function yesNo(value: boolean | null | undefined): string {
  if (value === null || value === undefined) return EMPTY;
  return value ? "Yes" : "No";
}

/** "low_battery" → "Low battery": for enum values no screen has a word for yet. */
export function humanize(value: string | null | undefined): string {
  if (!value) return EMPTY;
  const words = value.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A monospace value (ids, MAC addresses, MQTT names). */
export function Mono({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xs break-all">{children}</span>;
}
