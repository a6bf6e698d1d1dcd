-- telemetry_samples becomes a natively partitioned table (PostgreSQL declarative partitioning,
-- RANGE by time, one partition per UTC day, plus a DEFAULT partition), so that retention drops a
-- whole day (DETACH + DROP, a file unlink) instead of deleting rows one by one, and a chart over a
-- range reads only that range's days. Plain PostgreSQL 15+: no extension.
--
-- Partition key: `ts` (the device clock, as the worker files it), not `received_at` (ours).
--  * Every reader filters on ts: the health charts (lib/health/health-history.ts), the battery
--    estimate (lib/costs/battery-estimate.ts), the quick diagnosis (lib/commands/quick-diagnose.ts),
--    the worker-start row repair (lib/telemetry/repair-rows.ts, newest ts per device), and the
--    rollups that bucket samples by ts. Keyed on ts they are pruned to the days they ask for; keyed
--    on received_at every one of them would probe every day's index.
--  * ts is bounded by the ingest (lib/telemetry/coalesce.ts, store-window.ts): a clock ahead of ours
--    is replaced by the receive time, one before the device was provisioned too. So a sample never
--    lands beyond the partitions created ahead, and a skewed clock cannot scatter rows into the
--    far future. A device uploading a backlog files it under the days it measured it.
--  * Retention therefore ages samples by the time they describe: a backlog older than
--    TELEMETRY_RETENTION_DAYS goes with its day (retention used received_at; for live telemetry the
--    two differ by seconds).
--  * The DEFAULT partition takes any row no day partition covers (a day whose partition the job
--    has not created yet), so an insert is never refused; the partition job moves such rows into
--    their day's partition when it creates it (lib/telemetry/partitions.ts).
--
-- The primary key of a partitioned table must include the partition key: (id, ts). id keeps its
-- sequence (and its value), so ids stay unique and increasing across partitions.
--
-- Safe to run twice: a table that is already partitioned is left alone (a second run changes
-- nothing). One DO block: one statement, so either all of it happens or none.
DO $migration$
DECLARE
  day date;
  today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass('telemetry_samples')) = 'p' THEN
    RAISE NOTICE 'telemetry_samples is already partitioned: nothing to do';
    RETURN;
  END IF;

  -- The old table and its index names make way for the new ones.
  ALTER TABLE telemetry_samples RENAME TO telemetry_samples_unpartitioned;
  ALTER INDEX telemetry_samples_pkey RENAME TO telemetry_samples_unpartitioned_pkey;
  ALTER INDEX telemetry_samples_device_id_ts_idx RENAME TO telemetry_samples_unpartitioned_device_id_ts_idx;
  ALTER INDEX telemetry_samples_received_at_idx RENAME TO telemetry_samples_unpartitioned_received_at_idx;
  ALTER TABLE telemetry_samples_unpartitioned RENAME CONSTRAINT telemetry_samples_device_id_fkey TO telemetry_samples_unpartitioned_device_id_fkey;

  CREATE TABLE telemetry_samples (
    id              BIGINT NOT NULL DEFAULT nextval('telemetry_samples_id_seq'::regclass),
    device_id       INTEGER NOT NULL,
    ts              TIMESTAMPTZ(3) NOT NULL,
    received_at     TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    battery_level   DOUBLE PRECISION,
    battery_voltage DOUBLE PRECISION,
    signal_strength INTEGER,
    error_count     INTEGER,
    health_score    DOUBLE PRECISION,
    cpu_percent     DOUBLE PRECISION,
    memory_percent  DOUBLE PRECISION,
    readings        JSONB,
    CONSTRAINT telemetry_samples_pkey PRIMARY KEY (id, ts)
  ) PARTITION BY RANGE (ts);
  -- The sequence now belongs to the new table: dropping the old one below keeps it, and its value.
  ALTER SEQUENCE telemetry_samples_id_seq OWNED BY telemetry_samples.id;
  CREATE INDEX telemetry_samples_device_id_ts_idx ON telemetry_samples (device_id, ts DESC);
  CREATE INDEX telemetry_samples_received_at_idx ON telemetry_samples (received_at);
  ALTER TABLE telemetry_samples ADD CONSTRAINT telemetry_samples_device_id_fkey
    FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE ON UPDATE CASCADE;
  CREATE TABLE telemetry_samples_default PARTITION OF telemetry_samples DEFAULT;

  -- A partition for every UTC day that holds samples, and for today and the 7 days ahead (the
  -- partition job keeps that window moving). Named telemetry_samples_pYYYYMMDD: the job reads the
  -- day from the name.
  FOR day IN
    SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM telemetry_samples_unpartitioned
    UNION
    SELECT g::date FROM generate_series(today, today + 7, interval '1 day') AS g
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF telemetry_samples FOR VALUES FROM (%L) TO (%L)',
                   'telemetry_samples_p' || to_char(day, 'YYYYMMDD'),
                   day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;

  INSERT INTO telemetry_samples (id, device_id, ts, received_at, battery_level, battery_voltage, signal_strength,
                                 error_count, health_score, cpu_percent, memory_percent, readings)
  SELECT id, device_id, ts, received_at, battery_level, battery_voltage, signal_strength,
         error_count, health_score, cpu_percent, memory_percent, readings
    FROM telemetry_samples_unpartitioned;

  DROP TABLE telemetry_samples_unpartitioned;
  ANALYZE telemetry_samples;
END
$migration$;
