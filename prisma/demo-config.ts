/**
 * A month of remote configuration history for the demo, so the configuration screens have
 * something true to show on a fresh start. Green Valley Dairy's six air sensors (ES001–ES006,
 * three in Barn A, three in Barn B):
 *
 *   30 days ago  version 1 (initial): the type's defaults
 *   12 days ago  farm layer: telemetry.update_interval_sec 120 (battery life) → version 2 on all six
 *    5 days ago  ES005 (Barn B): the technician raises thresholds.humidity_high to 90 → version 3 (edit)
 *    3 days ago  Barn A layer: thresholds.ammonia_high 30 → version 3 on ES001–ES003
 *    2 days ago  ES001: thresholds.ammonia_critical 40 → version 4 (edit)
 *    1 day ago   ES001: rolled back to version 3 → version 5 (rollback)
 *
 * Every version is written by `writeVersions` (the one version writer), each effective
 * configuration built by a LayerBook holding the layers of its moment, so what the worker's sweep
 * computes today is exactly what the last versions hold (it writes nothing more for them).
 * Superseded versions were applied at their time. The last one of each device is left pending and
 * its shadow says what the simulated device will report when it connects: version 0 and its
 * defaults' hash (on a fresh start a simulated device has nothing in its flash file yet, and boots
 * with factory settings). On `npm start` the worker sends
 * each device its version, the device applies it and confirms — except ES002, which the simulator
 * makes refuse a changed threshold (SIMULATOR_CONFIG_REJECT=ES002): it rejects Barn A's ammonia
 * threshold with a reason, and after the grace period (CONFIG_DRIFT_GRACE_MINUTES) it is drifted,
 * with a config_drift alert, until someone rolls it back to version 2.
 *
 * Runs once: it does nothing when the layers or versions exist already.
 */
import type { Db } from "../lib/db";
import { prismaSql } from "../lib/ota/job-stops";
import { configHash } from "../lib/configuration/config-hash";
import { changeSummary } from "../lib/configuration/config-diff";
import { defaultConfig, type ConfigObject } from "../lib/configuration/config-schemas";
import { LayerBook, scopeKey, type DevicePlace, type LayerRow } from "../lib/configuration/layer-book";
import { overridesToReach, writeVersions, type NewVersion } from "../lib/configuration/config-versions";
import type { Sql } from "../lib/telemetry/sql";

const TECH = "tech@smartdairy.example";
const MANAGER = "manager@smartdairy.example";
/** The demo's farm and its air sensors, Barn A's three first (a test passes its own). */
export const DEMO_CONFIG_PLACES = { farmCode: "GVD", sensorIds: ["ES001", "ES002", "ES003", "ES004", "ES005", "ES006"] } as const;
export type DemoConfigPlaces = { farmCode: string; sensorIds: readonly string[] };

const FARM_LAYER = { values: { telemetry: { update_interval_sec: 120 } }, reason: "Battery life: barn air changes slowly, every 2 minutes is enough" };
const BARN_A_LAYER = { values: { thresholds: { ammonia_high: 30 } }, reason: "Deep litter in Barn A: 25 ppm alarmed every morning at scraping time" };

const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);
const seconds = (at: Date, s: number) => new Date(at.getTime() + s * 1000);

type Sensor = { pk: number; deviceId: string; place: DevicePlace };
/** One version of the story: overrides default to the device's current ones, the summary to the seed's. */
type Step = Pick<NewVersion, "source" | "reason" | "createdById" | "rollbackOf"> & { overrides?: ConfigObject; summary?: (from: ConfigObject, to: ConfigObject) => string };

export async function seedDemoConfig(db: Db, now = new Date(), places: DemoConfigPlaces = DEMO_CONFIG_PLACES): Promise<{ layers: number; versions: number }> {
  const farm = await db.farm.findUnique({ where: { code: places.farmCode }, select: { id: true, name: true } });
  const barnA = await db.deviceGroup.findFirst({ where: { code: `${places.farmCode}-BARN-A`, farmId: farm?.id ?? -1 }, select: { id: true } });
  const rows = await db.device.findMany({ where: { deviceId: { in: [...places.sensorIds] }, deviceType: "environmental", farmId: farm?.id ?? -1 }, select: { id: true, deviceId: true, farmId: true, groupId: true } });
  if (!farm || !barnA || rows.length !== places.sensorIds.length || places.sensorIds.length < 5) return { layers: 0, versions: 0 };
  const sensors: Sensor[] = places.sensorIds.map((deviceId) => rows.find((row) => row.deviceId === deviceId)!).map((row) => ({ pk: row.id, deviceId: row.deviceId, place: { deviceType: "environmental", farmId: row.farmId, groupId: row.groupId } }));
  // Roles in the story: the first (ES001) is edited and rolled back, the fifth (ES005) edited.
  const [edited, , , , humid] = sensors as [Sensor, Sensor, Sensor, Sensor, Sensor];
  const done =
    (await db.configLayer.count({ where: { scopeKey: { in: [scopeKey("farm", farm.id, "environmental"), scopeKey("group", barnA.id, "environmental")] } } })) +
    (await db.deviceConfig.count({ where: { deviceId: { in: sensors.map((sensor) => sensor.pk) } } }));
  if (done > 0) return { layers: 0, versions: 0 };
  const users = new Map((await db.user.findMany({ where: { email: { in: [TECH, MANAGER] } }, select: { id: true, email: true } })).map((user) => [user.email, user.id]));
  const manager = users.get(MANAGER) ?? null;
  const tech = users.get(TECH) ?? null;
  const groups = await db.deviceGroup.findMany({ where: { farmId: farm.id }, select: { id: true, name: true, parentId: true } });
  const groupTree = new Map(groups.map((group) => [group.id, { name: group.name, parentId: group.parentId }]));
  const farms = new Map([[farm.id, farm.name]]);

  // The layers as they stood at each moment of the story (a LayerBook of exactly those).
  const farmLayer: LayerRow = { id: 0, scope: "farm", farm_id: farm.id, group_id: null, device_type: "environmental", values: FARM_LAYER.values, health: {}, version: 1 };
  const barnLayer: LayerRow = { id: 0, scope: "group", farm_id: null, group_id: barnA.id, device_type: "environmental", values: BARN_A_LAYER.values, health: {}, version: 1 };
  const bookOf = (layers: LayerRow[]) => new LayerBook(layers, groupTree, farms);

  let versions = 0;
  await db.$transaction(
    async (tx) => {
      const sql = prismaSql(tx);
      /** The device's configuration now (its desired version), kept as the story goes. */
      const desired = new Map<number, { version: number; config: ConfigObject; overrides: ConfigObject }>();
      const factory = defaultConfig("environmental");
      const factoryHash = configHash(factory);
      for (const sensor of sensors) desired.set(sensor.pk, { version: 0, config: factory, overrides: {} });

      const write = async (at: Date, items: NewVersion[], applied = true) => {
        const written = await writeVersions(sql, items, at);
        versions += written.length;
        for (const [index, item] of items.entries()) desired.set(item.devicePk, { version: written[index]!.version, config: item.config, overrides: item.overrides });
        if (applied) await confirm(sql, written.map((w) => ({ devicePk: w.devicePk, version: w.version })), at);
      };
      const version = (sensor: Sensor, book: LayerBook, step: Step): NewVersion => {
        const { overrides = desired.get(sensor.pk)!.overrides, summary, ...rest } = step;
        const config = book.effective(sensor.place, overrides).config;
        const from = desired.get(sensor.pk)!.config;
        return { ...rest, devicePk: sensor.pk, overrides, config, hash: configHash(config), summary: summary ? summary(from, config) : changeSummary(from, config) };
      };

      // Booted with factory settings (version 0), given version 1 (the defaults): already applied.
      await sql.query(
        `INSERT INTO device_states (device_id, reported_version, reported_hash, reported_at) SELECT unnest($1::int[]), 0, $2, $3::timestamptz ORDER BY 1`,
        [sensors.map((sensor) => sensor.pk), factoryHash, daysAgo(now, 30).toISOString()],
      );
      const initial = bookOf([]);
      await write(
        daysAgo(now, 30),
        sensors.map((sensor) => version(sensor, initial, { source: "initial", reason: "Initial configuration from the device type's defaults and its farm and group layers", summary: (from, to) => changeSummary(from, to) || "Type defaults" })),
      );

      const atFarm = daysAgo(now, 12);
      await tx.configLayer.create({
        data: { scope: "farm", scopeKey: scopeKey("farm", farm.id, "environmental"), farmId: farm.id, deviceType: "environmental", values: FARM_LAYER.values, reason: FARM_LAYER.reason, updatedById: manager, updatedAt: atFarm },
      });
      const withFarm = bookOf([farmLayer]);
      await write(atFarm, sensors.map((sensor) => version(sensor, withFarm, { source: "layer", reason: `Layer change: Farm ${farm.name}` })));

      await write(daysAgo(now, 5), [version(humid, withFarm, { source: "edit", overrides: { thresholds: { humidity_high: 90 } }, reason: "Next to the wash bay: humidity runs high after every wash", createdById: tech })]);

      const atBarn = daysAgo(now, 3);
      await tx.configLayer.create({
        data: { scope: "group", scopeKey: scopeKey("group", barnA.id, "environmental"), groupId: barnA.id, deviceType: "environmental", values: BARN_A_LAYER.values, reason: BARN_A_LAYER.reason, updatedById: manager, updatedAt: atBarn },
      });
      const withBarn = bookOf([farmLayer, barnLayer]);
      const inBarnA = sensors.filter((sensor) => sensor.place.groupId === barnA.id);
      await write(atBarn, inBarnA.map((sensor) => version(sensor, withBarn, { source: "layer", reason: "Layer change: Group Barn A" })));

      const beforeEdit = desired.get(edited.pk)!;
      await write(daysAgo(now, 2), [version(edited, withBarn, { source: "edit", overrides: { thresholds: { ammonia_critical: 40 } }, reason: "Calves moved in next to it: the critical alarm earlier", createdById: tech })]);
      // The rollback as the domain makes it: that version's values again, on top of what it inherits now.
      const back = overridesToReach(withBarn.inherited(edited.place).config, beforeEdit.config);
      await write(daysAgo(now, 1), [
        version(edited, withBarn, {
          source: "rollback",
          rollbackOf: beforeEdit.version,
          overrides: back,
          reason: "40 ppm alarmed at every slurry mixing: back to the barn's settings",
          createdById: manager,
          summary: (from, to) => `Rollback to version ${beforeEdit.version}${changeSummary(from, to) ? `: ${changeSummary(from, to)}` : ""}`,
        }),
      ]);

      // A fresh start: each simulated sensor boots with factory settings and says so (version 0).
      // Its latest version is waiting to be sent again; the worker does it once the sensor is online.
      const pks = sensors.map((sensor) => sensor.pk);
      await sql.query(
        `UPDATE device_configs AS c SET status = 'pending', sent_at = NULL, applied_at = NULL, reported = NULL
           FROM device_states s WHERE s.device_id = c.device_id AND c.version = s.desired_version AND s.device_id = ANY($1::int[])`,
        [pks],
      );
      await sql.query(
        `UPDATE device_states SET reported_version = 0, reported_hash = $2, reported_at = $3::timestamptz, status = 'pending', status_reason = NULL,
                sent_version = NULL, sent_at = NULL, send_attempts = 0, drift_since = NULL, drifted = false, updated_at = $3::timestamptz
          WHERE device_id = ANY($1::int[])`,
        [pks, factoryHash, now.toISOString()],
      );
    },
    { timeout: 30_000 },
  );
  return { layers: 2, versions };
}

/** What a device's report does (config-report-apply.ts): the version sent, applied, the shadow in sync. */
async function confirm(sql: Sql, items: { devicePk: number; version: number }[], at: Date) {
  const sentAt = seconds(at, 2).toISOString();
  const appliedAt = seconds(at, 5).toISOString();
  const pks = items.map((item) => item.devicePk);
  const versions = items.map((item) => item.version);
  await sql.query(
    `UPDATE device_configs AS c SET status = 'applied', sent_at = $3::timestamptz, applied_at = $4::timestamptz,
            reported = jsonb_build_object('status', 'applied', 'hash', c.hash, 'at', $4::text)
       FROM unnest($1::int[], $2::int[]) AS i(device_id, version)
      WHERE c.device_id = i.device_id AND c.version = i.version`,
    [pks, versions, sentAt, appliedAt],
  );
  await sql.query(
    `UPDATE device_states AS s SET status = 'applied', sent_version = i.version, sent_at = $3::timestamptz, send_attempts = 1,
            reported_version = i.version, reported_hash = s.desired_hash, reported_at = $4::timestamptz, drift_since = NULL, drifted = false, updated_at = $4::timestamptz
       FROM unnest($1::int[], $2::int[]) AS i(device_id, version)
      WHERE s.device_id = i.device_id`,
    [pks, versions, sentAt, appliedAt],
  );
}
