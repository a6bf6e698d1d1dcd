/**
 * Realistic demo data for an empty database: three farms, a person of every role, groups, tags,
 * firmware versions and devices of every type in the seeds' id formats. Idempotent: it does
 * nothing when farms already exist. Device state (last seen, battery, health) is left to the
 * simulated devices and the worker — nothing on screen is made up.
 */
import { pathToFileURL } from "node:url";
import type { DeviceType } from "@prisma/client";
import { hashPassword } from "../lib/auth/password";
import { getDb, type Db } from "../lib/db";
import { DEVICE_ID_PREFIX, DEVICE_TYPE_LABEL, type DeviceTypeName } from "../lib/devices/device-id";

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
  environmental: 2,
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
  environmental: ["Free-stall barn north", "Free-stall barn south"],
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
    log("demo data: the database already has data, left as it is");
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

  const tags = new Map<string, number>();
  for (const [name, color] of [["parlour", 2], ["calf-barn", 4], ["pilot-firmware", 6], ["warranty-expiring", 1], ["new-2026", 10]] as const) {
    tags.set(name, (await db.deviceTag.create({ data: { name, color } })).id);
  }

  const firmware = new Map<DeviceTypeName, { id: number; version: string }>();
  for (const type of Object.keys(FLEET) as DeviceTypeName[]) {
    const stable = await db.firmwareVersion.create({
      data: {
        name: `${DEVICE_TYPE_LABEL[type]} firmware 2.0.3`,
        version: "2.0.3",
        deviceType: type as DeviceType,
        manufacturer: MANUFACTURERS[type].manufacturer,
        compatibleModels: [MANUFACTURERS[type].model],
        state: "stable",
        releaseNotes: "Stability fixes for long uptimes; lower idle power draw.",
      },
    });
    firmware.set(type, { id: stable.id, version: stable.version });
  }

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

    for (const type of Object.keys(FLEET) as DeviceTypeName[]) {
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
            latitude: farm.latitude + ((i * 37) % 17) * 0.0001 - 0.0008,
            longitude: farm.longitude + ((i * 53) % 19) * 0.00012 - 0.001,
            firmwareVersion: fw.version,
            firmwareId: fw.id,
            powerSource: spec.power,
            connectionType: spec.connection,
            calibrationStatus: type === "milk_meter" ? (i === 2 ? "due" : "ok") : "not_required",
            groupId: type === "milk_meter" ? parlour.id : type === "collar" ? herd.id : parent.id,
            provisioningMethod: "manual",
            provisioningDate: new Date(Date.UTC(2026, 2, 1 + i)),
            purchaseDate: new Date(Date.UTC(2025, 11, 1)),
            warrantyEnd: new Date(Date.UTC(2027, 11, 1)),
            warrantyStatus: "active",
          },
        });
        const tagNames = type === "milk_meter" ? ["parlour"] : type === "temperature" && i === 2 ? ["calf-barn"] : [];
        if (i === 1) tagNames.push("pilot-firmware");
        for (const name of tagNames) await db.deviceTagLink.create({ data: { deviceId: device.id, tagId: tags.get(name)! } });
        deviceCount++;
      }
    }
  }
  log(`demo data: ${FARMS.length} farms, ${DEMO_USERS.length} users, ${deviceCount} devices`);
  return true;
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
