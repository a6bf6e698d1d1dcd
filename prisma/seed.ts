/**
 * Realistic demo data for an empty database: three farms, a person of every role, groups, tags,
 * firmware versions (with signed binaries to roll out: `seedDemoFirmware`) and devices of every
 * type in the seeds' id formats. Idempotent: it does nothing when farms already exist, except
 * giving a demo database the demo firmware it lacks. Device state (last seen, battery, health) is left to the
 * simulated devices and the worker; only a month of past telemetry is generated
 * (`seedDemoTelemetry`), so the device charts have a history to show on a fresh start.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { DeviceType } from "@prisma/client";
import { hashPassword } from "../lib/auth/password";
import { getDb, type Db } from "../lib/db";
import { DEVICE_ID_PREFIX, DEVICE_TYPE_LABEL, type DeviceTypeName } from "../lib/devices/device-id";
import { firmwareServices, signedManifestOf, type FirmwareServices } from "../lib/firmware/firmware-versions";
import { mergeSamplesSql, ROLLUP_SAMPLE_COLUMNS, WATERMARK_NAME } from "../lib/telemetry/rollups";
import { seedDemoAssets } from "./demo-assets";
import { seedDemoAudit } from "./demo-audit";
import { seedDemoCommands } from "./demo-commands";
import { seedDemoConfig } from "./demo-config";
import { seedDemoNotifications } from "./demo-notifications";
import { seedDemoPeople } from "./demo-users";

export const DEMO_PASSWORD = "dairy-demo-2026";

export const DEMO_USERS = [
  { email: "admin@smartdairy.example", name: "Amina Okafor", role: "admin" },
  { email: "manager@smartdairy.example", name: "Lars Jensen", role: "manager", farm: "GVD" },
  { email: "tech@smartdairy.example", name: "Priya Nair", role: "technician", farm: "GVD" },
  { email: "viewer@smartdairy.example", name: "Tomás Silva", role: "viewer" },
] as const;

const FARMS = [
  { code: "GVD", name: "Green Valley Dairy", timezone: "Europe/Amsterdam", latitude: 52.0907, longitude: 5.1214 },
  { code: "HMF", name: "Hillside Meadow Farm", timezone: "Europe/Amsterdam", latitude: 51.9851, longitude: 5.8987 },
  { code: "RBC", name: "Riverbend Cooperative", timezone: "Europe/Dublin", latitude: 53.2707, longitude: -9.0568 },
];

const MANUFACTURERS: Record<DeviceTypeName, { manufacturer: string; model: string; power: "battery" | "mains" | "solar" | "poe"; connection: "wifi" | "ethernet" | "lora" | "cellular" | "bluetooth" }> = {
  milk_meter: { manufacturer: "FlowSense", model: "MM-400", power: "mains", connection: "ethernet" },
  temperature: { manufacturer: "ThermoTrack", model: "TT-20", power: "battery", connection: "lora" },
  environmental: { manufacturer: "BarnAir", model: "ENV-3", power: "battery", connection: "wifi" },
  collar: { manufacturer: "HerdPulse", model: "HP-C2", power: "battery", connection: "lora" },
  feeder: { manufacturer: "FeedRight", model: "FR-900", power: "mains", connection: "wifi" },
  gate: { manufacturer: "GateWorks", model: "GW-S", power: "mains", connection: "ethernet" },
  waterer: { manufacturer: "AquaBarn", model: "AB-50", power: "solar", connection: "lora" },
  rfid_reader: { manufacturer: "TagLine", model: "TL-R8", power: "poe", connection: "ethernet" },
  gateway: { manufacturer: "FieldLink", model: "FL-GW1", power: "mains", connection: "cellular" },
};

/** Devices per farm and type: a milking parlour's worth of meters, a herd's worth of collars. */
const FLEET: Record<DeviceTypeName, number> = {
  milk_meter: 6,
  temperature: 3,
  // Three per barn (Barn A, Barn B): enough for a configuration canary to start with one.
  environmental: 6,
  collar: 8,
  feeder: 2,
  gate: 1,
  waterer: 1,
  rfid_reader: 1,
  gateway: 1,
};

const LOCATIONS: Record<DeviceTypeName, string[]> = {
  milk_meter: ["Milking parlour, stall"],
  temperature: ["Bulk tank room", "Calf barn", "Feed store"],
  environmental: ["Barn A north", "Barn A centre", "Barn A south", "Barn B north", "Barn B centre", "Barn B south"],
  collar: ["Herd, cow"],
  feeder: ["Feeding alley east", "Feeding alley west"],
  gate: ["Selection gate, parlour exit"],
  waterer: ["Paddock 3 trough"],
  rfid_reader: ["Parlour entrance"],
  gateway: ["Machine room"],
};

export async function isDatabaseEmpty(db: Db) {
  return (await db.farm.count()) === 0;
}

export async function seedDemoData(db: Db, log: (line: string) => void = console.log) {
  if (!(await isDatabaseEmpty(db))) {
    // A demo database made before the demo firmware existed gets it; anyone else's is not touched.
    const isDemo = (await db.user.count({ where: { email: DEMO_USERS[0].email } })) > 0;
    const added = isDemo ? await seedDemoFirmware(db) : 0;
    log(`demo data: the database already has data, left as it is${added ? ` (added ${added} demo firmware binaries)` : ""}`);
    return false;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const farms = new Map<string, number>();
  for (const farm of FARMS) farms.set(farm.code, (await db.farm.create({ data: farm })).id);

  for (const user of DEMO_USERS) {
    await db.user.create({
      data: { email: user.email, name: user.name, role: user.role, passwordHash, farmId: "farm" in user ? farms.get(user.farm) : null },
    });
  }
  await seedDemoPeople(db, farms, passwordHash);

  const tags = new Map<string, number>();
  for (const [name, color] of [["parlour", 2], ["calf-barn", 4], ["pilot-firmware", 6], ["warranty-expiring", 1], ["new-2026", 10]] as const) {
    tags.set(name, (await db.deviceTag.create({ data: { name, color } })).id);
  }

  const firmware = new Map<DeviceTypeName, { id: number; version: string }>();
  for (const type of Object.keys(FLEET) as DeviceTypeName[]) {
    const stable = await db.firmwareVersion.create({
      data: {
        name: `${DEVICE_TYPE_LABEL[type]} firmware ${INSTALLED_VERSION}`,
        version: INSTALLED_VERSION,
        deviceType: type as DeviceType,
        manufacturer: MANUFACTURERS[type].manufacturer,
        compatibleModels: [MANUFACTURERS[type].model],
        state: "stable",
        releaseNotes: INSTALLED_NOTES,
      },
    });
    firmware.set(type, { id: stable.id, version: stable.version });
  }
  const binaries = await seedDemoFirmware(db);

  let deviceCount = 0;
  for (const [farmCode, farmId] of farms) {
    const farm = FARMS.find((f) => f.code === farmCode)!;
    const farmIndex = FARMS.indexOf(farm);
    const parent = await db.deviceGroup.create({
      data: { name: `${farm.name} — all barns`, code: `${farmCode}-ALL`, farmId, description: `Every device of ${farm.name}` },
    });
    const parlour = await db.deviceGroup.create({
      data: { name: "Milking parlour", code: `${farmCode}-PARLOUR`, farmId, parentId: parent.id, deviceTypeFilter: "milk_meter", offlineAlertThreshold: 2 },
    });
    const herd = await db.deviceGroup.create({
      data: { name: "Herd collars", code: `${farmCode}-HERD`, farmId, parentId: parent.id, deviceTypeFilter: "collar", healthCheckInterval: 120, offlineAlertThreshold: 3 },
    });
    // Two free-stall barns, each with its air sensors: the groups a barn's settings are layered on (demo-config.ts).
    const barns = [
      await db.deviceGroup.create({ data: { name: "Barn A", code: `${farmCode}-BARN-A`, farmId, parentId: parent.id, description: "Free-stall barn A (deep litter)" } }),
      await db.deviceGroup.create({ data: { name: "Barn B", code: `${farmCode}-BARN-B`, farmId, parentId: parent.id, description: "Free-stall barn B (cubicles)" } }),
    ];

    for (const [typeIndex, type] of (Object.keys(FLEET) as DeviceTypeName[]).entries()) {
      for (let i = 1; i <= FLEET[type]; i++) {
        const number = farmIndex * 100 + i;
        const deviceId = `${DEVICE_ID_PREFIX[type]}${String(number).padStart(3, "0")}`;
        const spec = MANUFACTURERS[type];
        const place = LOCATIONS[type][(i - 1) % LOCATIONS[type].length]!;
        const fw = firmware.get(type)!;
        const device = await db.device.create({
          data: {
            deviceId,
            name: `${DEVICE_TYPE_LABEL[type]} ${farmCode} ${i}`,
            deviceType: type as DeviceType,
            state: "active",
            farmId,
            manufacturer: spec.manufacturer,
            model: spec.model,
            serialNumber: `${spec.manufacturer.slice(0, 2).toUpperCase()}${2026}${String(farmIndex * 1000 + deviceCount).padStart(5, "0")}`,
            macAddress: ["02", "5D", farmIndex.toString(16).padStart(2, "0"), "A1", (deviceCount >> 8).toString(16).padStart(2, "0"), (deviceCount & 255).toString(16).padStart(2, "0")].join(":").toUpperCase(),
            hardwareVersion: "rev B",
            locationDescription: type === "milk_meter" || type === "collar" ? `${place} ${i}` : place,
            // a building per device type on a 3 × 3 grid around the farm, the devices in rows inside it
            latitude: farm.latitude + (Math.floor(typeIndex / 3) - 1) * 0.0006 + ((i - 1) % 4) * 0.00006,
            longitude: farm.longitude + ((typeIndex % 3) - 1) * 0.0009 + Math.floor((i - 1) / 4) * 0.00009,
            firmwareVersion: fw.version,
            firmwareId: fw.id,
            powerSource: spec.power,
            connectionType: spec.connection,
            calibrationStatus: type === "milk_meter" ? (i === 2 ? "due" : "ok") : "not_required",
            groupId: type === "milk_meter" ? parlour.id : type === "collar" ? herd.id : type === "environmental" ? barns[i <= 3 ? 0 : 1]!.id : parent.id,
            provisioningMethod: "manual",
            provisioningDate: new Date(Date.UTC(2026, 2, 1 + i)),
            purchaseDate: new Date(Date.UTC(2025, 11, 1)),
            warrantyEnd: new Date(Date.UTC(2027, 11, 1)),
          },
        });
        const tagNames = type === "milk_meter" ? ["parlour"] : type === "temperature" && i === 2 ? ["calf-barn"] : [];
        if (i === 1) tagNames.push("pilot-firmware");
        for (const name of tagNames) await db.deviceTagLink.create({ data: { deviceId: device.id, tagId: tags.get(name)! } });
        deviceCount++;
      }
    }
  }
  const samples = await seedDemoTelemetry(db);
  const commands = await seedDemoCommands(db);
  const configuration = await seedDemoConfig(db);
  const assets = await seedDemoAssets(db);
  const notifications = await seedDemoNotifications(db);
  log(`demo notifications: ${notifications.rules} rules, an on-call list, ${notifications.alerts} past alerts and ${notifications.notifications} notifications on Green Valley Dairy`);
  // Last: the demo's audit history names devices the steps above made.
  await seedDemoAudit(db);
  log(
    `demo data: ${FARMS.length} farms, ${DEMO_USERS.length} users, ${deviceCount} devices, ${binaries} firmware binaries, ${samples} telemetry samples of history, ${commands} commands, ` +
      `${configuration.layers} configuration layers and ${configuration.versions} configuration versions, ` +
      `${assets.stock} spare devices in stock, ${assets.plans} maintenance plans, ${assets.maintenances} maintenance records and occurrences, ${assets.calibrations} calibrations`,
  );
  return true;
}

/** The version every demo device runs. */
const INSTALLED_VERSION = "2.0.3";
const INSTALLED_NOTES = "Stability fixes for long uptimes; lower idle power draw.";
const FAILING_DEMO_NOTES = "Demo: the simulator fails half of the installs of this build, to show automatic rollback.";

/**
 * Releases a demo user can roll out at once (all in testing, which rollouts accept): milk meters
 * and collars get a good 2.1.0 and a 2.2.0 the simulator fails on half of the devices
 * (SIMULATOR_OTA_FAIL_VERSIONS), so the rollout pages show both a clean update and an automatic
 * rollback. Every type's installed 2.0.3 gets a binary too, so rolling back to it works.
 */
const DEMO_RELEASES: { type: DeviceTypeName; version: string; releaseNotes: string }[] = [
  ...(Object.keys(FLEET) as DeviceTypeName[]).map((type) => ({ type, version: INSTALLED_VERSION, releaseNotes: INSTALLED_NOTES })),
  { type: "milk_meter", version: "2.1.0", releaseNotes: "Faster milk-flow sampling; fixes conductivity drift." },
  { type: "milk_meter", version: "2.2.0", releaseNotes: FAILING_DEMO_NOTES },
  { type: "collar", version: "2.1.0", releaseNotes: "Rumination sampled in bursts for longer battery life; fixes step counts after a reboot." },
  { type: "collar", version: "2.2.0", releaseNotes: FAILING_DEMO_NOTES },
];

/**
 * A demo binary: a header naming type and version, then 64–256 KiB of pseudo-random bytes seeded
 * by both, so every fresh start stores the same bytes (and the same SHA-256).
 */
export function demoFirmwareBytes(type: string, version: string): Buffer {
  const seed = createHash("sha256").update(`${type}@${version}`).digest();
  const size = (64 + (seed.readUInt16BE(0) % 193)) * 1024;
  const bytes = Buffer.alloc(size);
  const header = Buffer.from(`SDM-FIRMWARE\ndevice_type=${type}\nversion=${version}\n(demo build)\n`, "utf8");
  header.copy(bytes);
  // xorshift32: fast, and the same stream on every machine.
  let state = seed.readUInt32BE(4) || 1;
  for (let offset = header.length; offset < size; offset += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    if (offset + 4 <= size) bytes.writeUInt32BE(state, offset);
    else for (let i = 0; offset + i < size; i++) bytes[offset + i] = (state >>> (24 - 8 * i)) & 255;
  }
  return bytes;
}

/** Stores a binary the way an upload is stored (lib/storage, key by type, version and hash). */
async function storeDemoBinary(services: FirmwareServices, type: DeviceTypeName, version: string) {
  const bytes = demoFirmwareBytes(type, version);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await mkdir(services.tmpDir, { recursive: true });
  const file = path.join(services.tmpDir, `seed-${randomUUID()}.part`);
  await writeFile(file, bytes, { mode: 0o600 });
  const storageKey = `firmware/${type}/${version.replace(/[^\w.-]/g, "_")}-${sha256.slice(0, 12)}.bin`;
  try {
    await services.store.putFile(storageKey, file, { size: bytes.length, sha256 });
  } finally {
    await rm(file, { force: true });
  }
  const model = MANUFACTURERS[type].model.toLowerCase();
  return { storageKey, sha256, sizeBytes: bytes.length, fileName: `${model}-${version}.bin` };
}

/**
 * Gives the demo releases their binaries and signatures (signed like an upload, with the server's
 * key) and creates the ones missing. Idempotent and cheap when done: one query finds nothing to do.
 * Returns how many binaries it stored.
 */
export async function seedDemoFirmware(db: Db, services: FirmwareServices = firmwareServices()): Promise<number> {
  const rows = await db.firmwareVersion.findMany({
    where: { OR: DEMO_RELEASES.map((release) => ({ deviceType: release.type as DeviceType, version: release.version })) },
    select: { id: true, deviceType: true, version: true, storageKey: true, compatibleModels: true, minPreviousVersion: true, isMandatory: true },
  });
  const existing = new Map(rows.map((row) => [`${row.deviceType}@${row.version}`, row]));
  let stored = 0;
  for (const release of DEMO_RELEASES) {
    const row = existing.get(`${release.type}@${release.version}`);
    if (row?.storageKey) continue;
    const spec = MANUFACTURERS[release.type];
    const binary = await storeDemoBinary(services, release.type, release.version);
    const fields = {
      deviceType: release.type as DeviceType,
      version: release.version,
      fileName: binary.fileName,
      sha256: binary.sha256,
      sizeBytes: binary.sizeBytes,
      compatibleModels: row?.compatibleModels ?? [spec.model],
      minPreviousVersion: row?.minPreviousVersion ?? null,
      isMandatory: row?.isMandatory ?? false,
    };
    const { signature } = signedManifestOf(fields, services.signingKey);
    const file = { storageKey: binary.storageKey, fileName: binary.fileName, sha256: binary.sha256, sizeBytes: binary.sizeBytes, signature };
    if (row) {
      await db.firmwareVersion.update({ where: { id: row.id }, data: file });
    } else {
      await db.firmwareVersion.create({
        data: {
          ...fields,
          ...file,
          name: `${DEVICE_TYPE_LABEL[release.type]} firmware ${release.version}`,
          manufacturer: spec.manufacturer,
          state: release.version === INSTALLED_VERSION ? "stable" : "testing",
          releaseNotes: release.releaseNotes,
        },
      });
    }
    stored++;
  }
  return stored;
}

/**
 * 30 days of telemetry for every device (every 4 h, hourly for the last week, every 5 minutes for
 * the last 24 h), generated by one INSERT … SELECT over generate_series (about 570 rows a device). The
 * values are deterministic per device: batteries drain and are recharged/replaced, signal wanders,
 * a few devices have a weak battery, a poor link, a burst of errors or a night without contact, so
 * every chart and threshold line has something to show. The health score follows the M92 rules of
 * lib/health/device-health.ts. Devices that already have history older than an hour are skipped,
 * so running it again adds nothing. `onlyDeviceIds` limits it to some devices (tests).
 */
export async function seedDemoTelemetry(db: Db, now = new Date(), onlyDeviceIds: number[] | null = null): Promise<number> {
  // The history is received "then" (received_at = ts), so the rollup job, which reads what was
  // received since its watermark, would never see the part before the watermark: that part is merged
  // into the rollups here, in the same transaction, with the watermark row locked so the job cannot
  // move it meanwhile. The rest (none on a fresh database) the job counts as any sample.
  return db.$transaction(
    async (tx) => {
      const [mark] = await tx.$queryRaw<{ watermark: Date }[]>`
        SELECT watermark FROM telemetry_rollup_watermarks WHERE name = ${WATERMARK_NAME} FOR UPDATE`;
      const [newest] = await tx.$queryRaw<{ max_id: bigint }[]>`SELECT COALESCE(max(id), 0)::bigint AS max_id FROM telemetry_samples`;
      const written = await insertDemoTelemetry(tx as unknown as Db, now, onlyDeviceIds);
      if (mark && written > 0) {
        await tx.$queryRawUnsafe(
          mergeSamplesSql(`SELECT ${ROLLUP_SAMPLE_COLUMNS} FROM telemetry_samples WHERE id > $1::bigint AND received_at < $2::timestamptz`),
          newest?.max_id ?? 0n,
          mark.watermark,
        );
      }
      return written;
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

function insertDemoTelemetry(db: Db, now: Date, onlyDeviceIds: number[] | null): Promise<number> {
  return db.$executeRaw`
    WITH fleet AS (
      SELECT d.id, d.power_source IN ('battery', 'solar') AS on_battery, (d.id * 7919) % 97 AS seed
        FROM devices d
       WHERE d.state <> 'decommissioned'
         AND (${onlyDeviceIds}::int[] IS NULL OR d.id = ANY(${onlyDeviceIds}::int[]))
         AND NOT EXISTS (SELECT 1 FROM telemetry_samples s WHERE s.device_id = d.id AND s.ts < ${now}::timestamptz - interval '1 hour')
    ), times AS (
      -- as fine as the charts draw them: 30 d in 4 h buckets, 7 d in 1 h, 24 h in 5 min
      SELECT generate_series(${now}::timestamptz - interval '30 days', ${now}::timestamptz - interval '7 days' - interval '4 hours', interval '4 hours') AS ts
      UNION ALL
      SELECT generate_series(${now}::timestamptz - interval '7 days', ${now}::timestamptz - interval '24 hours', interval '1 hour')
      UNION ALL
      SELECT generate_series(${now}::timestamptz - interval '24 hours' + interval '5 minutes', ${now}::timestamptz - interval '5 minutes', interval '5 minutes')
    ), raw AS (
      SELECT f.id, t.ts, f.seed,
             extract(epoch FROM (${now}::timestamptz - t.ts)) / 86400.0 AS days_ago,
             -- rounded here, as stored, so the status and score below judge the value the chart shows
             round((CASE WHEN f.on_battery THEN
               -- a battery that drains over (12 + seed % 20) days and is swapped; every 9th device runs low now
               least(100, greatest(3, CASE WHEN f.seed % 9 = 4
                                THEN 14 + (extract(epoch FROM (${now}::timestamptz - t.ts)) / 86400.0) * 2.5
                                ELSE 100 - mod((extract(epoch FROM t.ts) / 86400.0 + f.seed)::numeric, (12 + f.seed % 20)::numeric)::float8 * 80 / (12 + f.seed % 20)
                           END + 1.5 * sin(f.seed + extract(epoch FROM t.ts) / 5400.0)))
             END)::numeric, 1)::float8 AS battery,
             round(-48 - (f.seed % 5) * 7 - CASE WHEN f.seed % 11 = 3 THEN 30 ELSE 0 END
                   + 6 * sin(f.seed * 3 + extract(epoch FROM t.ts) / 7200.0))::int AS signal,
             CASE WHEN f.seed % 13 = 5 AND extract(epoch FROM (${now}::timestamptz - t.ts)) / 86400.0 BETWEEN 2 AND 3
                  THEN 4 + (f.seed % 9) ELSE (f.seed % 3 = 0)::int END AS errors
        FROM fleet f CROSS JOIN times t
       -- every 8th device lost contact for a night three days ago: the charts show the gap
       WHERE NOT (f.seed % 8 = 1 AND t.ts BETWEEN ${now}::timestamptz - interval '3 days' AND ${now}::timestamptz - interval '3 days' + interval '7 hours')
    ), scored AS (
      SELECT r.*,
             CASE WHEN r.errors > 10 OR r.battery < 10 THEN 'critical'
                  WHEN r.errors > 5 OR r.battery < 20 THEN 'warning' ELSE 'healthy' END AS status
        FROM raw r
    )
    INSERT INTO telemetry_samples (device_id, ts, received_at, battery_level, battery_voltage, signal_strength, error_count, health_score)
    SELECT id, ts, ts, battery, CASE WHEN battery IS NULL THEN NULL ELSE round((3.3 + battery / 100.0 * 0.9)::numeric, 2)::float8 END,
           signal, errors,
           greatest(0, 100
             - CASE status WHEN 'critical' THEN 50 WHEN 'warning' THEN 25 ELSE 0 END
             - CASE WHEN battery IS NULL THEN 0 WHEN battery < 20 THEN 20 WHEN battery < 50 THEN 10 ELSE 0 END
             - CASE WHEN signal < -90 THEN 20 WHEN signal < -70 THEN 10 ELSE 0 END
             - least(errors * 2, 30))
      FROM scored`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const db = getDb();
  seedDemoData(db)
    .then(() => db.$disconnect())
    .catch(async (error) => {
      console.error(error);
      await db.$disconnect();
      process.exit(1);
    });
}
