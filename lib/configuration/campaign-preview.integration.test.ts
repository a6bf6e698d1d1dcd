/**
 * A configuration campaign's preview (what the manager sees before confirming): each changed
 * setting with the values the reached devices run now — a group layer's 30 ppm, a device's own
 * value — not the type's default; the same skips as creating the campaign; the devices the change
 * would make invalid; and the same role and farm checks. Real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ForbiddenError, NotFoundError } from "../errors";
import { createTestPerson, refusal } from "../testing/people";
import { previewConfigChange } from "./config-campaigns";
import { updateDeviceConfig } from "./device-config";
import { putLayer } from "./layer-service";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
// Device ids: two letters and 3–6 digits, unique per run.
const idBase = String(1000 + Math.floor(Math.random() * 9000));
const barn = [1, 2, 3].map((i) => `EP${idBase}${i}`);
const loose = `EP${idBase}4`;
const ownValue = `EP${idBase}5`;
const meter = `MP${idBase}6`;
const theirs = `EP${idBase}9`;
const all = [...barn, loose, ownValue, meter, theirs];
const farm = { a: 0, b: 0 };
let groupId = 0;
let manager: Actor;
let technician: Actor;

const ammonia = (high: number, deviceIds = [...barn, loose, ownValue, meter]) => ({ deviceType: "environmental", changes: { thresholds: { ammonia_high: high } }, selection: { deviceIds } });

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `CPA${suffix}`, name: `Preview farm A ${suffix}` } })).id;
  farm.b = (await db.farm.create({ data: { code: `CPB${suffix}`, name: `Preview farm B ${suffix}` } })).id;
  groupId = (await db.deviceGroup.create({ data: { name: `Barn A ${suffix}`, code: `CPG${suffix}`, farmId: farm.a } })).id;
  await db.device.createMany({
    data: [
      ...barn.map((deviceId, i) => ({ deviceId, name: `Barn A sensor ${i}`, deviceType: "environmental" as const, farmId: farm.a, groupId, state: "active" as const })),
      { deviceId: loose, name: "Yard sensor", deviceType: "environmental", farmId: farm.a, state: "active" },
      { deviceId: ownValue, name: "Calf shed sensor", deviceType: "environmental", farmId: farm.a, groupId, state: "active" },
      { deviceId: meter, name: "Meter", deviceType: "milk_meter", farmId: farm.a, state: "active" },
      { deviceId: theirs, name: "Their sensor", deviceType: "environmental", farmId: farm.b, state: "active" },
    ],
  });
  manager = await createTestPerson(db, "manager", farm.a, `manager-${suffix}@preview.test`, "Max Manager");
  technician = await createTestPerson(db, "technician", farm.a, `tech-${suffix}@preview.test`, "Tess Technician");
  await putLayer(db, manager, "group", groupId, "environmental", { values: { thresholds: { ammonia_high: 30 } }, version: 0, reason: "Barn A runs 30" });
  // One device of the barn has its own value (a version of its own).
  await updateDeviceConfig(db, technician, ownValue, { changes: { thresholds: { ammonia_high: 40 } }, baseVersion: 0, reason: "calf shed" });
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { OR: [{ entityType: "device", entityId: { in: all } }, { entityType: "group", entityId: String(groupId) }] } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.configLayer.deleteMany({ where: { OR: [{ farmId: { in: [farm.a, farm.b] } }, { groupId }] } });
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await db.user.deleteMany({ where: { email: { endsWith: `${suffix}@preview.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("previewing a configuration campaign's change", () => {
  it("reports what the devices run now: the group's 30 on its devices, the type default on the ungrouped one, a device's own value", async () => {
    const preview = await previewConfigChange(db, manager, ammonia(35));
    expect(preview.deviceCount).toBe(5);
    expect(preview.skipped).toEqual([{ deviceId: meter, reason: "is a milk meter device, not environmental" }]);
    expect(preview.settings).toEqual([
      {
        path: "thresholds.ammonia_high",
        to: 35,
        current: [
          { value: 30, devices: 3 },
          { value: 25, devices: 1 },
          { value: 40, devices: 1 },
        ],
      },
    ]);
    expect(preview.invalid).toEqual({ devices: 0, deviceIds: [], reasons: [] });
  });

  it("shows devices already at the new value as such, and the devices a value would make invalid with the reason", async () => {
    const same = await previewConfigChange(db, manager, ammonia(30, barn));
    expect(same.settings[0]?.current).toEqual([{ value: 30, devices: 3 }]);

    // Above the critical level every device inherits (50 ppm): the campaign would be refused.
    const tooHigh = await previewConfigChange(db, manager, ammonia(60, barn));
    expect(tooHigh.invalid.devices).toBe(3);
    expect(tooHigh.invalid.deviceIds).toEqual(barn);
    expect(tooHigh.invalid.reasons[0]).toMatch(/^thresholds\./);
  });

  it("checks the role and the farm like creating a campaign", async () => {
    expect(await refusal(previewConfigChange(db, technician, ammonia(35)))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(previewConfigChange(db, manager, ammonia(35, [barn[0] ?? "", theirs])))).toBeInstanceOf(NotFoundError);
  });
});
