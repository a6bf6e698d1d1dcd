/**
 * How far a PostgreSQL streaming replica is behind its primary, watched from one process: every
 * `checkEveryMs` the primary's WAL position is noted with the time, and the replica's replayed
 * position is read; the replica's lag is the age of the newest noted position it has replayed.
 * That measures what matters (how old the data a read would see may be), where
 * `now() - pg_last_xact_replay_timestamp()` grows on an idle primary that has nothing to send.
 *
 * The replica is used only while it answered the last check, recently, and its lag is within
 * `maxLagMs`; a replica that is down, paused or far behind sends reads to the primary until it
 * catches up. lib/db.ts routes the reads that may lag through this.
 */
import pg from "pg";

export type ReplicaState = { usable: boolean; lagMs: number | null; checkedAt: number | null; error: string | null };

export type ReplicaMonitorOptions = {
  primaryUrl: string;
  replicaUrl: string;
  /** Reads go to the primary while the replica is further behind than this (default 5 s). */
  maxLagMs?: number;
  /** Default 1 s. */
  checkEveryMs?: number;
  log?: (line: string) => void;
};

/** "16/B374D848" → a number that orders like the position (exact below 2^53 bytes of WAL: 9 PB). */
export function lsnToNumber(lsn: string): number {
  const [high, low] = lsn.split("/");
  return parseInt(high!, 16) * 2 ** 32 + parseInt(low!, 16);
}

export class ReplicaMonitor {
  private readonly primary: pg.Pool;
  private readonly replica: pg.Pool;
  private readonly maxLagMs: number;
  private readonly checkEveryMs: number;
  /** Primary positions noted, oldest first: [time, position]. */
  private marks: [number, number][] = [];
  private state: ReplicaState = { usable: false, lagMs: null, checkedAt: null, error: null };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastLogged = "";

  constructor(private readonly options: ReplicaMonitorOptions) {
    // One connection each, short timeouts: a replica that does not answer must not hold a check long.
    const pool = (url: string) => {
      const created = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 30_000, application_name: "sdm-replica-monitor" });
      created.on("error", () => undefined);
      return created;
    };
    this.primary = pool(options.primaryUrl);
    this.replica = pool(options.replicaUrl);
    this.maxLagMs = options.maxLagMs ?? 5_000;
    this.checkEveryMs = options.checkEveryMs ?? 1_000;
  }

  start() {
    const loop = () => {
      this.timer = setTimeout(() => void this.check().finally(loop), this.checkEveryMs);
      this.timer.unref();
    };
    void this.check().finally(loop);
    return this;
  }

  /** Whether a read that may lag can go to the replica now. */
  usable(): boolean {
    const { usable, checkedAt } = this.state;
    // A check that has not come back for three periods counts as a replica that is not there.
    return usable && checkedAt !== null && Date.now() - checkedAt < this.checkEveryMs * 3 + 2_000;
  }

  current(): ReplicaState {
    return { ...this.state, usable: this.usable() };
  }

  /** A read failed on the replica: the primary takes reads until the next good check. */
  markFailed(error: unknown) {
    this.state = { ...this.state, usable: false, error: error instanceof Error ? error.message : String(error) };
  }

  check(): Promise<void> {
    this.running ??= this.measure().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async measure() {
    const now = Date.now();
    try {
      const { rows } = await this.primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
      this.marks.push([now, lsnToNumber(rows[0]!.lsn)]);
    } catch (error) {
      // Without the primary nothing can be judged; the primary's own client reports the outage.
      this.setState({ usable: false, lagMs: null, checkedAt: now, error: `primary: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    try {
      const { rows } = await this.replica.query<{ lsn: string | null; recovery: boolean }>(
        "SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_is_in_recovery() AS recovery",
      );
      const row = rows[0]!;
      if (!row.recovery || row.lsn === null) throw new Error("not a streaming replica (pg_is_in_recovery() is false)");
      const replayed = lsnToNumber(row.lsn);
      // The newest mark the replica has reached; older marks are no longer needed.
      let reached = -1;
      for (let i = 0; i < this.marks.length; i++) if (this.marks[i]![1] <= replayed) reached = i;
      const lagMs = reached === -1 ? now - this.marks[0]![0] : now - this.marks[reached]![0];
      if (reached > 0) this.marks = this.marks.slice(reached);
      // Marks older than the longest lag worth measuring: the replica is "far behind" whatever the exact figure.
      const horizon = now - Math.max(this.maxLagMs * 4, 60_000);
      while (this.marks.length > 1 && this.marks[0]![0] < horizon && this.marks[1]![0] < horizon) this.marks.shift();
      this.setState({ usable: lagMs <= this.maxLagMs, lagMs, checkedAt: now, error: null });
    } catch (error) {
      this.setState({ usable: false, lagMs: null, checkedAt: now, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private setState(next: ReplicaState) {
    this.state = next;
    const summary = next.usable ? "in use" : next.error ? `not used: ${next.error}` : `not used: ${Math.round((next.lagMs ?? 0) / 1000)} s behind`;
    if (summary.split(":")[0] !== this.lastLogged.split(":")[0]) this.options.log?.(`database replica ${summary}`);
    this.lastLogged = summary;
  }

  async stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all([this.primary.end().catch(() => undefined), this.replica.end().catch(() => undefined)]);
  }
}
