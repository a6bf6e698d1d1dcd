/**
 * Times written by SQL into stored texts (alert messages) in the farm's clock, with the zone named
 * the way lib/alerts/alert-rules.ts's formatAlertTime names it: "2026-12-03 11:00 CET".
 *
 * PostgreSQL's own zone names (pg_timezone_names) cost a scan of the whole tz database per
 * query (~150 ms), and only know today's abbreviation. So the farms' zones are read once, their
 * abbreviations per UTC offset computed here (winter and summer, by Intl), and handed to the
 * query as three small arrays: still one statement for the whole fleet.
 */
import type { Sql } from "../telemetry/sql";
import { isTimeZone } from "./format";

export type ZoneTable = { zones: string[]; offsets: number[]; names: string[] };

const shortNames = new Map<string, Intl.DateTimeFormat>();

/** The zone's short name and UTC offset (seconds) at `at`: ["CEST", 7200]. */
export function zoneNameAt(zone: string, at: Date): [string, number] {
  let format = shortNames.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
    shortNames.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return [parts.timeZoneName ?? zone, Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 1000)];
}

/** Every farm zone (and UTC) with its names for the offsets it takes around `now`. */
export function zoneTableFor(zones: Iterable<string>, now: Date): ZoneTable {
  const table: ZoneTable = { zones: [], offsets: [], names: [] };
  const seen = new Set<string>();
  const year = now.getUTCFullYear();
  // January and July of last, this and next year: standard and daylight time either side.
  const samples = [year - 1, year, year + 1].flatMap((y) => [new Date(Date.UTC(y, 0, 15)), new Date(Date.UTC(y, 6, 15))]);
  for (const zone of new Set(["UTC", ...zones])) {
    if (!isTimeZone(zone)) continue;
    for (const at of samples) {
      const [name, offset] = zoneNameAt(zone, at);
      const key = `${zone}|${offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      table.zones.push(zone);
      table.offsets.push(offset);
      table.names.push(name);
    }
  }
  return table;
}

export async function loadZoneTable(sql: Sql, now: Date): Promise<ZoneTable> {
  const rows = await sql.query<{ timezone: string }>(`SELECT DISTINCT timezone FROM farms`);
  return zoneTableFor(rows.rows.map((row) => row.timezone), now);
}

/**
 * SQL text: `ts` (a timestamptz expression) as "YYYY-MM-DD HH24:MI <zone name>" in `zone` (a text
 * expression, e.g. f.timezone). `$z`, `$o`, `$n` are the parameter numbers of the ZoneTable's
 * zones, offsets and names. A zone not in the table (unknown to Intl) reads as UTC; an offset
 * without a name reads "UTC+05:30".
 */
export function farmTimeSql(ts: string, zone: string, params: { zones: number; offsets: number; names: number }): string {
  const z = `(CASE WHEN ${zone} = ANY($${params.zones}::text[]) THEN ${zone} ELSE 'UTC' END)`;
  const offset = `((${ts}) AT TIME ZONE ${z} - (${ts}) AT TIME ZONE 'UTC')`;
  return `(to_char((${ts}) AT TIME ZONE ${z}, 'YYYY-MM-DD HH24:MI') || ' ' || COALESCE(
    (SELECT zt.name FROM unnest($${params.zones}::text[], $${params.offsets}::int[], $${params.names}::text[]) AS zt(zone, off, name)
      WHERE zt.zone = ${z} AND zt.off = extract(epoch FROM ${offset})::int LIMIT 1),
    'UTC' || CASE WHEN ${offset} < interval '0' THEN '-' ELSE '+' END || to_char(CASE WHEN ${offset} < interval '0' THEN -${offset} ELSE ${offset} END, 'HH24:MI')))`;
}
