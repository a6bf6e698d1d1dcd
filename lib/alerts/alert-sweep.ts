/**
 * The health monitor's sweep (M92 `iot.health.monitor.run_health_checks`, I-013 §6.2
 * ConnectionStatusMonitor), once a minute over the whole fleet, in a fixed handful of statements
 * whatever the fleet size — never a query per device:
 *
 *   1. read, in parallel: the groups; per group, how many monitored devices (active, not in
 *      maintenance mode — M92 skips the others) it has, offline and due; the open alerts; and the
 *      *candidates* — the monitored devices a screen lets through because a rule could say
 *      something about them (old last_seen, low battery, poor signal, errors, calibration,
 *      firmware) or because they have an open alert;
 *   2. in memory, with the pure rules (lib/health, ./alert-rules): which candidates are due
 *      (`healthCheckDue`, their own interval or else their group's), their issues (`deviceIssues`), their aged
 *      connection status (`computeConnectionStatus`), each group's offline count over its subtree;
 *   3. write back set-based (unnest arrays), in parallel: the devices that changed, one upsert for
 *      the device alerts, one for the group alerts, one update for every alert to resolve.
 *
 * Why the screen: reading and judging every device in Node costs about a second per 100,000
 * devices on a busy 2-core machine, most of it turning rows into objects; a healthy fleet is
 * ~95 % devices with nothing to say. The screen's clauses are the rules' conditions with the
 * loosest limits any device has (lib/health/threshold-book.ts `loosest()`: farms and groups tune
 * their devices' limits) as parameters, and the rules still decide for every device it lets
 * through with that device's own limits, so thresholds, messages and severities live once (the
 * integration test pins that the two agree). Group offline counts are taken from the candidates
 * too — every device old enough to be offline anywhere is one — with each device's own limit.
 *
 * Connection status is only ever downgraded here (online → degraded → offline): upgrades come
 * from the device's own messages, and a device whose last will said "offline" a minute ago must
 * not be swept back to "online". A device that became silent for over its offline age (M92:
 * OFFLINE_AFTER_MS) turns critical — or, past a warning age (I-013 profile), warning — with score
 * and needs-attention from `assessDevice`; health too is only ever made worse here.
 *
 * `last_health_check` is written for every device the sweep changed, not for every device it
 * checked: stamping every monitored row each minute rewrites the whole devices table (twenty
 * indexes, four of them trigram GIN; the updates cannot be HOT) — measured at 14–20 s for 92,000
 * rows on a busy 2-core machine, ten times the sweep's budget — to record "nothing happened". So
 * it reads "when the monitor last changed this device's health"; when a device is checked follows
 * from its interval, its own or its group's (`healthCheckDue`). Ingest no longer writes it.
 *
 * Alerts (M92 `_create_or_update_alert`, `_resolve_stale_alerts`): one open alert (active or
 * acknowledged) per device and type — enforced by the partial unique index the upsert targets —
 * counted and refreshed on every sweep that still finds the issue, with the severity the rule
 * gives now (a battery falling under 10 % escalates its open alert). When the issue is gone the
 * alert is resolved with a note, acknowledged or not; `custom` alerts are people's and are left
 * alone. A retired (decommissioned) device's open alerts are all resolved; a device in maintenance
 * mode keeps its alerts as they are until it is back.
 */
import {
  assessDevice,
  computeConnectionStatus,
  DEFAULT_HEALTH_CHECK_INTERVAL_S,
  effectiveHealthCheckInterval,
  healthCheckDue,
  isOffline,
  isTelemetryLate,
  type AttentionInputs,
} from "../health/device-health";
import { ThresholdBook } from "../health/threshold-book";
import type { Sql } from "../telemetry/sql";
import {
  AUTO_RESOLVED_NOTE,
  DEVICE_SWEEP_ALERT_TYPES,
  deviceIssues,
  groupOfflineIssue,
  RETIRED_RESOLVED_NOTE,
} from "./alert-rules";

export type HealthSweepResult = {
  /** Devices whose health check was due this minute (active, not in maintenance, their own or their group's interval). */
  checked: number;
  /** Devices whose connection or health status the sweep changed. */
  changed: number;
  becameCritical: number;
  /** Device alerts opened, and open ones found again (occurrence counted). */
  raised: number;
  repeated: number;
  /** Device alerts auto-resolved because the issue is gone, and because the device was retired. */
  resolved: number;
  retired: number;
  groupsChecked: number;
  groupRaised: number;
  groupRepeated: number;
  groupResolved: number;
};

type GroupRow = { id: number; parent_id: number | null; active: boolean; health_check_interval: number; offline_alert_threshold: number };

type DeviceRow = {
  id: number;
  device_type: string;
  farm_id: number | null;
  group_id: number | null;
  /** Epoch milliseconds: exact for timestamptz(3), cheaper to read than a timestamp, and compared back exactly. */
  last_seen_ms: number | null;
  battery_level: number | null;
  low_battery_threshold: number;
  signal_strength: number | null;
  error_count: number;
  cpu_percent: number | null;
  memory_percent: number | null;
  calibration_status: AttentionInputs["calibrationStatus"];
  firmware_update_status: string;
  connection_status: string;
  health_status: string;
  /** The device's own interval in seconds; null: its group's. */
  health_check_interval: number | null;
};

type OpenAlertRow = { id: number; device_id: number | null; group_id: number | null; alert_type: string; device_state: string | null };

/** Unknown / connecting / error rank 0, so any judgement replaces them. */
const CONNECTION_RANK: Record<string, number> = { online: 1, degraded: 2, offline: 3 };
/** Unknown ranks 0 too: a judgement of a seen device replaces it. */
const HEALTH_RANK: Record<string, number> = { healthy: 1, warning: 2, critical: 3 };
const SWEEP_TYPES = new Set<string>(DEVICE_SWEEP_ALERT_TYPES);

/**
 * `limits`: the devices' health limits; loaded here when not given (four small reads: a sweep a
 * minute reads the layers fresh, so a farm's change applies from the next sweep).
 */
export async function runHealthSweep(sql: Sql, now: Date, limits?: ThresholdBook): Promise<HealthSweepResult> {
  const nowIso = now.toISOString();
  const minute = Math.floor(now.getTime() / 60_000);
  // The screen needs the limits; the other reads start meanwhile (the book is a few small reads).
  const bookLoaded = limits ? Promise.resolve(limits) : ThresholdBook.load(sql);
  const screened = bookLoaded.then((book) => screen(sql, nowIso, book));
  const [groupRows, { book, candidates }, fleet, openAlerts, farmRows] = await Promise.all([
    sql.query<GroupRow>(`SELECT id, parent_id, active, health_check_interval, offline_alert_threshold FROM device_groups`),
    screened,
    // Per group: monitored devices and how many are due this minute (healthCheckDue's
    // minute-of-epoch modulo, for the figures). How many are offline comes from the candidates.
    sql.query<{ group_id: number | null; total: number; due: number }>(
      `SELECT d.group_id, count(*)::int AS total,
              count(*) FILTER (WHERE d.id % k.every = $1::bigint % k.every)::int AS due
         FROM devices d
         LEFT JOIN device_groups g ON g.id = d.group_id
        CROSS JOIN LATERAL (SELECT GREATEST(1, round(COALESCE(d.health_check_interval, g.health_check_interval, $2) / 60.0))::int AS every) k
        WHERE d.state = 'active' AND NOT d.maintenance_mode
        GROUP BY d.group_id`,
      [minute, DEFAULT_HEALTH_CHECK_INTERVAL_S],
    ),
    // Served by the partial unique indexes: open alerts are few, resolved history may be millions.
    sql.query<OpenAlertRow>(
      `SELECT a.id, a.device_id, a.group_id, a.alert_type::text AS alert_type, d.state::text AS device_state
         FROM alerts a LEFT JOIN devices d ON d.id = a.device_id
        WHERE a.state <> 'resolved'`,
    ),
    // A farm's clock for the times its alert messages name (a handful of rows, read once a sweep).
    sql.query<{ id: number; timezone: string }>(`SELECT id, timezone FROM farms`),
  ]);
  const farmZone = new Map(farmRows.rows.map((farm) => [farm.id, farm.timezone]));

  const groups = new Map(groupRows.rows.map((group) => [group.id, group]));
  const ancestorsOf = ancestry(groups);
  const groupTotals = new Map<number, { total: number; offline: number }>();
  const totalsOf = (groupId: number) => {
    let totals = groupTotals.get(groupId);
    if (!totals) groupTotals.set(groupId, (totals = { total: 0, offline: 0 }));
    return totals;
  };
  let due = 0;
  for (const row of fleet.rows) {
    due += row.due;
    if (row.group_id === null) continue;
    for (const groupId of ancestorsOf(row.group_id)) totalsOf(groupId).total += row.total;
  }

  const issues = { device: [] as number[], type: [] as string[], severity: [] as string[], message: [] as string[] };
  const updates = {
    id: [] as number[],
    lastSeenMs: [] as number[],
    connection: [] as (string | null)[],
    health: [] as (string | null)[],
    score: [] as (number | null)[],
    needsAttention: [] as (boolean | null)[],
  };
  /** Screened-in devices that were due: the only ones whose alerts may be resolved. */
  const checked = new Set<number>();
  let becameCritical = 0;

  for (const row of candidates.rows) {
    const deviceLimits = book.thresholds({ deviceType: row.device_type, farmId: row.farm_id, groupId: row.group_id });
    const lastSeen = row.last_seen_ms === null ? null : new Date(row.last_seen_ms);
    // Every device old enough to be offline anywhere is a candidate, due or not: the group counts.
    const offline = isOffline(lastSeen, now, deviceLimits);
    if (offline && row.group_id !== null) for (const groupId of ancestorsOf(row.group_id)) totalsOf(groupId).offline += 1;

    const interval = effectiveHealthCheckInterval(row.health_check_interval, row.group_id === null ? null : groups.get(row.group_id)?.health_check_interval);
    if (!healthCheckDue(row.id, interval, now)) continue;
    checked.add(row.id);

    const device = {
      lastSeen,
      batteryLevel: row.battery_level,
      lowBatteryThreshold: row.low_battery_threshold,
      signalStrength: row.signal_strength,
      errorCount: row.error_count,
      cpuPercent: row.cpu_percent,
      memoryPercent: row.memory_percent,
      calibrationStatus: row.calibration_status,
      firmwareUpdateStatus: row.firmware_update_status,
      timeZone: row.farm_id === null ? null : farmZone.get(row.farm_id),
    };
    for (const issue of deviceIssues(device, now, deviceLimits)) {
      issues.device.push(row.id);
      issues.type.push(issue.type);
      issues.severity.push(issue.severity);
      issues.message.push(issue.message);
    }

    if (lastSeen === null) continue;
    const connection = computeConnectionStatus(lastSeen, now, deviceLimits);
    const downgrade = (CONNECTION_RANK[connection] ?? 0) > (CONNECTION_RANK[row.connection_status] ?? 0);
    // Silence is what the sweep judges (ingest judges everything else as it arrives): offline →
    // critical, late telemetry (where the limits name an age) → warning.
    const assessed = offline || isTelemetryLate(lastSeen, now, deviceLimits) ? assessDevice(device, now, deviceLimits) : null;
    const worse = assessed !== null && (HEALTH_RANK[assessed.healthStatus] ?? 0) > (HEALTH_RANK[row.health_status] ?? 0);
    if (!downgrade && !worse) continue;
    if (worse && assessed.healthStatus === "critical") becameCritical += 1;
    updates.id.push(row.id);
    updates.lastSeenMs.push(row.last_seen_ms!);
    updates.connection.push(downgrade ? connection : null);
    updates.health.push(worse ? assessed.healthStatus : null);
    updates.score.push(worse ? assessed.healthScore : null);
    updates.needsAttention.push(worse ? assessed.needsAttention : null);
  }

  const groupIssues = { group: [] as number[], severity: [] as string[], message: [] as string[] };
  const checkedGroups = new Set<number>();
  for (const group of groups.values()) {
    if (!group.active || !healthCheckDue(group.id, group.health_check_interval, now)) continue;
    checkedGroups.add(group.id);
    const totals = groupTotals.get(group.id) ?? { total: 0, offline: 0 };
    const issue = groupOfflineIssue(totals.offline, totals.total, group.offline_alert_threshold);
    if (!issue) continue;
    groupIssues.group.push(group.id);
    groupIssues.severity.push(issue.severity);
    groupIssues.message.push(issue.message);
  }

  // What to resolve, decided against the issues found above.
  const current = new Set(issues.device.map((id, i) => `${id}:${issues.type[i]}`));
  const currentGroups = new Set(groupIssues.group);
  const resolve = { id: [] as number[], note: [] as string[] };
  for (const alert of openAlerts.rows) {
    if (alert.device_id !== null) {
      if (alert.device_state === "decommissioned") {
        resolve.id.push(alert.id);
        resolve.note.push(RETIRED_RESOLVED_NOTE);
      } else if (checked.has(alert.device_id) && SWEEP_TYPES.has(alert.alert_type) && !current.has(`${alert.device_id}:${alert.alert_type}`)) {
        resolve.id.push(alert.id);
        resolve.note.push(AUTO_RESOLVED_NOTE);
      }
    } else if (alert.group_id !== null && alert.alert_type === "group_offline") {
      const group = groups.get(alert.group_id);
      const stale = !group?.active || (checkedGroups.has(alert.group_id) && !currentGroups.has(alert.group_id));
      if (stale) {
        resolve.id.push(alert.id);
        resolve.note.push(AUTO_RESOLVED_NOTE);
      }
    }
  }

  const [changed, deviceUpsert, groupUpsert, resolvedRows] = await Promise.all([
    updates.id.length === 0
      ? Promise.resolve({ rowCount: 0 })
      : // Guarded by the last_seen read: a device that spoke meanwhile was judged on stale data.
        sql.query(
          `UPDATE devices AS d SET
                  connection_status = COALESCE(u.connection::"ConnectionStatus", d.connection_status),
                  health_status = COALESCE(u.health::"HealthStatus", d.health_status),
                  health_score = COALESCE(u.score, d.health_score),
                  needs_attention = COALESCE(u.needs_attention, d.needs_attention),
                  last_health_check = $7::timestamptz
             FROM unnest($1::int[], $2::float8[], $3::text[], $4::text[], $5::float8[], $6::bool[])
               AS u(id, last_seen_ms, connection, health, score, needs_attention)
            WHERE d.id = u.id AND (extract(epoch FROM d.last_seen) * 1000)::float8 = u.last_seen_ms`,
          [updates.id, updates.lastSeenMs, updates.connection, updates.health, updates.score, updates.needsAttention, nowIso],
        ),
    issues.device.length === 0
      ? Promise.resolve({ rows: [] as { raised: boolean }[] })
      : sql.query<{ raised: boolean }>(
          `INSERT INTO alerts (device_id, alert_type, severity, message, first_occurrence, last_occurrence, created_at)
           SELECT u.device_id, u.alert_type::"AlertType", u.severity::"AlertSeverity", u.message, $5, $5, $5
             FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS u(device_id, alert_type, severity, message)
           ON CONFLICT (device_id, alert_type) WHERE state <> 'resolved' DO UPDATE SET
                  occurrence_count = alerts.occurrence_count + 1,
                  last_occurrence = EXCLUDED.last_occurrence,
                  message = EXCLUDED.message,
                  severity = EXCLUDED.severity
           RETURNING (xmax = 0) AS raised`,
          [issues.device, issues.type, issues.severity, issues.message, nowIso],
        ),
    groupIssues.group.length === 0
      ? Promise.resolve({ rows: [] as { raised: boolean }[] })
      : sql.query<{ raised: boolean }>(
          `INSERT INTO alerts (group_id, alert_type, severity, message, first_occurrence, last_occurrence, created_at)
           SELECT u.group_id, 'group_offline', u.severity::"AlertSeverity", u.message, $4, $4, $4
             FROM unnest($1::int[], $2::text[], $3::text[]) AS u(group_id, severity, message)
           ON CONFLICT (group_id, alert_type) WHERE state <> 'resolved' AND group_id IS NOT NULL DO UPDATE SET
                  occurrence_count = alerts.occurrence_count + 1,
                  last_occurrence = EXCLUDED.last_occurrence,
                  message = EXCLUDED.message,
                  severity = EXCLUDED.severity
           RETURNING (xmax = 0) AS raised`,
          [groupIssues.group, groupIssues.severity, groupIssues.message, nowIso],
        ),
    resolve.id.length === 0
      ? Promise.resolve({ rows: [] as { note: string; for_group: boolean }[] })
      : // A person may have resolved one meanwhile: theirs stands.
        sql.query<{ note: string; for_group: boolean }>(
          `UPDATE alerts AS a SET state = 'resolved', resolved_at = $3::timestamptz, resolution_notes = u.note
             FROM unnest($1::int[], $2::text[]) AS u(id, note)
            WHERE a.id = u.id AND a.state <> 'resolved'
        RETURNING u.note, a.device_id IS NULL AS for_group`,
          [resolve.id, resolve.note, nowIso],
        ),
  ]);

  const count = (rows: { raised: boolean }[], raised: boolean) => rows.filter((row) => row.raised === raised).length;
  const resolvedBy = (note: string, forGroup: boolean) =>
    resolvedRows.rows.filter((row) => row.note === note && row.for_group === forGroup).length;
  return {
    checked: due,
    changed: changed.rowCount ?? 0,
    becameCritical,
    raised: count(deviceUpsert.rows, true),
    repeated: count(deviceUpsert.rows, false),
    resolved: resolvedBy(AUTO_RESOLVED_NOTE, false),
    retired: resolvedBy(RETIRED_RESOLVED_NOTE, false),
    groupsChecked: checkedGroups.size,
    groupRaised: count(groupUpsert.rows, true),
    groupRepeated: count(groupUpsert.rows, false),
    groupResolved: resolvedBy(AUTO_RESOLVED_NOTE, true),
  };
}

/** The candidates: the monitored devices a rule could say something about (see runHealthSweep). */
async function screen(sql: Sql, nowIso: string, book: ThresholdBook) {
  const loosest = book.loosest();
  // Only devices about which the rules could say anything are read and judged.
  // Each clause is the cheap, index-free form of a rule's condition (the loosest limits any
  // device has, as parameters), so a device it leaves out has no issue, nothing to age and no open alert;
  // `deviceIssues` still decides for the ones it lets through. The sweep's integration test
  // checks the two agree on both sides of every threshold.
  const candidates = await sql.query<DeviceRow>(
    `SELECT d.id, d.device_type::text AS device_type, d.farm_id, d.group_id,
            (extract(epoch FROM d.last_seen) * 1000)::float8 AS last_seen_ms, d.battery_level,
            d.low_battery_threshold, d.signal_strength, d.error_count, d.cpu_percent, d.memory_percent,
            d.calibration_status::text AS calibration_status,
            d.firmware_update_status::text AS firmware_update_status, d.connection_status::text AS connection_status,
            d.health_status::text AS health_status, d.health_check_interval
       FROM devices d
      WHERE d.state = 'active' AND NOT d.maintenance_mode
        AND (d.last_seen < $1::timestamptz - make_interval(secs => $2::float8 / 1000)
             OR (d.last_seen IS NOT NULL AND d.connection_status NOT IN ('online', 'degraded', 'offline'))
             -- a device's own threshold, or else its limits' warning (lowBatteryLimit): the greater covers both
             OR d.battery_level < GREATEST(d.low_battery_threshold, $5)
             OR d.signal_strength < $3
             OR d.error_count > $4
             OR d.cpu_percent > $6
             OR d.memory_percent > $7
             OR d.calibration_status = 'overdue'
             OR d.firmware_update_status = 'failed'
             -- IN, not EXISTS: one hashed set of the (few) open alerts, not a probe per device
             OR d.id IN (SELECT a.device_id FROM alerts a WHERE a.state <> 'resolved'))`,
    [
      nowIso,
      loosest.shortestAgeMs,
      loosest.signalPoorBelowDbm,
      loosest.errorsWarningAbove,
      loosest.batteryWarningBelowPct,
      // null when no device judges CPU/memory: the clause is then never true
      loosest.cpuWarningAbovePct,
      loosest.memoryWarningAbovePct,
    ],
  );
  return { book, candidates };
}

/** Each group's chain up to its root (itself first), memoised; a cycle in bad data stops the walk. */
function ancestry(groups: Map<number, GroupRow>) {
  const memo = new Map<number, number[]>();
  return (groupId: number): number[] => {
    const known = memo.get(groupId);
    if (known) return known;
    const chain: number[] = [];
    const seen = new Set<number>();
    for (let id: number | null = groupId; id !== null && !seen.has(id); id = groups.get(id)?.parent_id ?? null) {
      seen.add(id);
      if (groups.has(id)) chain.push(id);
    }
    memo.set(groupId, chain);
    return chain;
  };
}
