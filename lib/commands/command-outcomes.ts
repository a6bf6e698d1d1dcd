/**
 * Devices' answers to commands, stored in the ingest window's transaction (store-window.ts), and
 * what a finished command changes besides its own row: `get_status` refreshes the device's own
 * fields (handed back to store-window.ts, which writes the device row once), `run_diagnostics` files a Diagnostic, `restart` counts a restart, `set_debug_level`
 * records the debug mode the device confirmed, a failed `get_logs` fails its bundle, a completed
 * calibrate_* with readings makes a calibration record (lib/calibration/command-calibrations.ts). Set-based: one
 * statement per kind of consequence whatever the window's size.
 *
 * The rules of an answer (ISSUE-15 item 2–3): matched on command id AND device (a device answers
 * only its own commands; anything else is refused and counted); a final answer is never reopened;
 * "executing" moves only a queued or sent command (it records executing_at on any open one); a
 * final answer to a command that timed out, was cancelled or expired is kept, marked late.
 */
import { recordCommandCalibrations } from "../calibration/command-calibrations";
import type { CalibrationStatusName } from "../calibration/calibration-rules";
import type { Sql } from "../telemetry/sql";
import { DEBUG_LEVELS, diagnosticsResult, debugResult, restartResult, statusResult } from "./catalogue";

export type CommandAnswer = {
  commandId: string;
  /** devices.id of the device whose topic carried it. */
  devicePk: number;
  status: "executing" | "completed" | "failed";
  result: Record<string, unknown> | null;
  error: string | null;
  receivedAt: Date;
  executingAt: Date | null;
  /** Responses coalesced into this answer (counted when refused). */
  responses: number;
};

export type AnswersStored = {
  /** Answers that changed a command (a redelivered final answer changes nothing and is not counted). */
  applied: number;
  /** Responses to an unknown command or another device's: nothing stored. */
  refused: number;
  /** Device fields a completed get_status reported, by devices.id: for the caller to write with the device's row. */
  statusRefresh: Map<number, StatusRefresh>;
  /** The calibration status a calibrate_* answer gave a device, by devices.id: for the same window's health scoring. */
  calibrationStatus: Map<number, CalibrationStatusName>;
};

/** What get_status refreshes on the device (undefined = not reported, keep the stored value). */
export type StatusRefresh = {
  cpuPercent: number | undefined;
  memoryPercent: number | undefined;
  storagePercent: number | undefined;
  uptimeSeconds: number | undefined;
  firmwareVersion: string | undefined;
};

type Finished = {
  id: number;
  command_id: string;
  command_type: string;
  device_id: number;
  status: "executing" | "completed" | "failed";
  result: Record<string, unknown> | null;
  parameters: Record<string, unknown>;
  received_at: Date;
  sent_at: Date | null;
  late: boolean;
};

export async function storeCommandAnswers(sql: Sql, answers: readonly CommandAnswer[]): Promise<AnswersStored> {
  if (answers.length === 0) return { applied: 0, refused: 0, statusRefresh: new Map(), calibrationStatus: new Map() };
  const params = [
    answers.map((a) => a.commandId),
    answers.map((a) => a.devicePk),
    answers.map((a) => a.status),
    answers.map((a) => (a.result ? JSON.stringify(a.result) : null)),
    answers.map((a) => a.error),
    answers.map((a) => a.receivedAt.toISOString()),
    answers.map((a) => (a.executingAt ? a.executingAt.toISOString() : null)),
  ];
  const answered = `unnest($1::text[], $2::int[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[], $7::timestamptz[])
                      AS u(command_id, device_pk, status, result, error, received_at, executing_at)`;
  const { rows } = await sql.query<Finished>(
    `UPDATE commands AS c SET
        status = (CASE WHEN u.status <> 'executing' THEN u.status
                       WHEN c.status IN ('queued', 'sent') THEN 'executing'
                       ELSE c.status::text END)::"CommandStatus",
        executing_at = COALESCE(c.executing_at, u.executing_at, CASE WHEN u.status = 'executing' THEN u.received_at END),
        result = CASE WHEN u.status = 'executing' THEN c.result ELSE u.result END,
        error_message = CASE WHEN u.status = 'executing' THEN c.error_message ELSE u.error END,
        completed_at = CASE WHEN u.status = 'executing' THEN c.completed_at ELSE u.received_at END,
        late = c.late OR (u.status <> 'executing' AND c.status IN ('timeout', 'cancelled', 'expired'))
       FROM ${answered}
      WHERE c.command_id = u.command_id AND c.device_id = u.device_pk
        AND c.status NOT IN ('completed', 'failed')
        -- An "executing" that changes nothing (the command is past it) writes nothing.
        AND (u.status <> 'executing' OR c.status IN ('queued', 'sent') OR c.executing_at IS NULL)
      RETURNING c.id, c.command_id, c.command_type, c.device_id, c.status::text AS status, c.result, c.parameters, u.received_at, c.sent_at, c.late`,
    params,
  );
  // Every answer moved its command on: none can be refused, and the lookup is saved (the usual case).
  let refused = 0;
  if (rows.length < answers.length) {
    const { rows: unmatched } = await sql.query<{ ord: number }>(
      `SELECT u.ord::int AS ord FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS u(command_id, device_pk, ord)
        WHERE NOT EXISTS (SELECT 1 FROM commands c WHERE c.command_id = u.command_id AND c.device_id = u.device_pk)`,
      params.slice(0, 2),
    );
    refused = unmatched.reduce((sum, row) => sum + answers[row.ord - 1]!.responses, 0);
  }
  const finished = rows.filter((row) => row.status !== "executing");
  const statusRefresh = await applyConsequences(sql, finished);
  const calibrationStatus = await recordCommandCalibrations(sql, finished);
  return { applied: rows.length, refused, statusRefresh, calibrationStatus };
}

/** Newest per device: one UPDATE cannot change a row twice. */
function latestPerDevice<T extends { device_id: number; received_at: Date }>(rows: T[]): T[] {
  const byDevice = new Map<number, T>();
  for (const row of rows) {
    const held = byDevice.get(row.device_id);
    if (!held || held.received_at.getTime() <= row.received_at.getTime()) byDevice.set(row.device_id, row);
  }
  return [...byDevice.values()];
}

async function applyConsequences(sql: Sql, finished: Finished[]): Promise<Map<number, StatusRefresh>> {
  if (finished.length === 0) return new Map();
  const of = (type: string, status?: Finished["status"]) => finished.filter((row) => row.command_type === type && (!status || row.status === status));

  // get_status: only values the catalogue's result schema accepts reach the device's own fields,
  // through the caller's row write (store-window.ts writes each device row once per window).
  const refresh = new Map<number, StatusRefresh>();
  for (const row of latestPerDevice(of("get_status", "completed"))) {
    const parsed = statusResult.safeParse(row.result ?? {});
    if (!parsed.success) continue;
    const value = parsed.data;
    refresh.set(row.device_id, {
      cpuPercent: value.cpu_percent ?? undefined,
      memoryPercent: value.memory_percent ?? undefined,
      storagePercent: value.storage_percent ?? undefined,
      uptimeSeconds: value.uptime_seconds ?? undefined,
      firmwareVersion: value.firmware_version ?? undefined,
    });
  }

  // run_diagnostics: a Diagnostic per answer; the device's diagnostic fields show the newest.
  const diagnostics = of("run_diagnostics").map((row) => {
    const parsed = diagnosticsResult.safeParse(row.result ?? {});
    const asked = typeof row.parameters?.suite === "string" ? row.parameters.suite : null;
    return {
      row,
      passed: parsed.success ? parsed.data.passed && row.status === "completed" : row.status === "failed" ? false : null,
      suite: (parsed.success ? parsed.data.suite : null) ?? asked ?? "full",
    };
  });
  if (diagnostics.length > 0) {
    await sql.query(
      `INSERT INTO diagnostics (device_id, state, command_id, suite, report, passed, started_at, completed_at)
       SELECT * FROM unnest($1::int[], $2::"DiagnosticState"[], $3::text[], $4::text[], $5::jsonb[], $6::bool[], $7::timestamptz[], $8::timestamptz[])`,
      [
        diagnostics.map((d) => d.row.device_id),
        diagnostics.map((d) => d.row.status),
        diagnostics.map((d) => d.row.command_id),
        diagnostics.map((d) => d.suite),
        diagnostics.map((d) => (d.row.result ? JSON.stringify(d.row.result) : null)),
        diagnostics.map((d) => d.passed),
        diagnostics.map((d) => (d.row.sent_at ?? d.row.received_at).toISOString()),
        diagnostics.map((d) => d.row.received_at.toISOString()),
      ],
    );
    const newest = latestPerDevice(diagnostics.map((d) => d.row));
    await sql.query(
      `UPDATE devices AS d SET last_diagnostic = u.at, diagnostic_report = u.report, updated_at = now()
         FROM unnest($1::int[], $2::timestamptz[], $3::jsonb[]) AS u(id, at, report) WHERE d.id = u.id`,
      [newest.map((row) => row.device_id), newest.map((row) => row.received_at.toISOString()), newest.map((row) => (row.result ? JSON.stringify(row.result) : null))],
    );
  }

  // restart: counted once. A restart the telemetry already showed (its uptime went down, which
  // store-window counts) set last_restart after the command was sent: not counted again.
  const restarts = latestPerDevice(of("restart", "completed"));
  if (restarts.length > 0) {
    await sql.query(
      `UPDATE devices AS d SET
          restart_count = d.restart_count + CASE WHEN d.last_restart IS NOT NULL AND u.sent_at IS NOT NULL AND d.last_restart >= u.sent_at THEN 0 ELSE 1 END,
          last_restart = CASE WHEN d.last_restart IS NOT NULL AND u.sent_at IS NOT NULL AND d.last_restart >= u.sent_at THEN d.last_restart ELSE u.at END,
          updated_at = now()
         FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS u(id, at, sent_at) WHERE d.id = u.id`,
      [
        restarts.map((row) => row.device_id),
        restarts.map((row) => {
          const parsed = restartResult.safeParse(row.result ?? {});
          const at = parsed.success && parsed.data.restarted_at ? new Date(parsed.data.restarted_at) : row.received_at;
          // A device clock ahead of ours does not date a restart in the future.
          return (at.getTime() > row.received_at.getTime() ? row.received_at : at).toISOString();
        }),
        restarts.map((row) => (row.sent_at ? row.sent_at.toISOString() : null)),
      ],
    );
  }

  // set_debug_level: the mode the device confirmed, until the app ends it (command-engine.ts). A
  // late answer does not: someone may have ended the mode meanwhile, and the badge must not come back.
  const debug = latestPerDevice(of("set_debug_level", "completed").filter((row) => !row.late))
    .map((row) => {
      const parsed = debugResult.safeParse(row.result ?? {});
      const level = parsed.success ? parsed.data.level : row.parameters?.level;
      const minutes = Number(row.parameters?.duration_minutes);
      return { row, level: typeof level === "string" && (DEBUG_LEVELS as readonly string[]).includes(level) ? level : null, minutes };
    })
    .filter((entry) => entry.level !== null);
  if (debug.length > 0) {
    await sql.query(
      `UPDATE devices AS d SET
          debug_level = CASE WHEN u.level = 'info' THEN NULL ELSE u.level END,
          debug_until = CASE WHEN u.level = 'info' OR u.minutes IS NULL THEN NULL ELSE u.at + make_interval(mins => u.minutes) END,
          updated_at = now()
         FROM unnest($1::int[], $2::text[], $3::int[], $4::timestamptz[]) AS u(id, level, minutes, at) WHERE d.id = u.id`,
      [
        debug.map((d) => d.row.device_id),
        debug.map((d) => d.level),
        debug.map((d) => (Number.isInteger(d.minutes) && d.minutes > 0 ? d.minutes : null)),
        debug.map((d) => d.row.received_at.toISOString()),
      ],
    );
  }

  await failLogBundles(sql, of("get_logs", "failed").map((row) => row.id));
  return refresh;
}

/** get_logs that failed, timed out or expired: the bundle will never come, the page says so. */
export async function failLogBundles(sql: Sql, commandPks: number[]) {
  if (commandPks.length === 0) return;
  await sql.query(`UPDATE device_log_bundles SET state = 'failed' WHERE command_id = ANY($1::int[]) AND state = 'awaiting_upload'`, [commandPks]);
}
