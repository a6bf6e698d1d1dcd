/**
 * The group verbs against a real PostgreSQL: the tree's rules (unique code, no loops, a parent of
 * the same farm), devices that must keep fitting, deletes that would orphan something, farm scope
 * per role, counts, the change history, and the route handlers behind /api/v1/groups.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as groupRoutes from "@/app/api/v1/groups/route";
import * as groupRoute from "@/app/api/v1/groups/[id]/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest, noParams, withParams } from "../testing/api-fixture";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { groupCreateSchema, groupUpdateSchema } from "./group-schemas";
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from "./groups";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let serial = 0;
/** A code of this run: unique per call, so no test sees another's group. */
const code = (word: string) => `${word}-${suffix}-${serial++}`;
/** Device ids of this run: two letters of our own and the run's digits. */
const deviceId = () => `Q${String.fromCharCode(65 + (serial % 26))}${suffix}${String(serial++).padStart(3, "0")}`;

const farm = { a: 0, b: 0 };
let admin: Actor;
let managerA: Actor;
let viewer: Actor;

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@groups.test`, `Test ${role}`);

/** A group through the verb, with its input read by the same schema as the form and the API. */
function newGroup(actor: Actor, fields: Record<string, unknown>) {
  return createGroup(db, actor, groupCreateSchema.parse({ name: "Test group", code: code("G"), ...fields }));
}

function change(actor: Actor, id: number, fields: Record<string, unknown>) {
  return updateGroup(db, actor, id, groupUpdateSchema.parse(fields));
}

async function device(fields: { farmId: number; groupId: number | null; deviceType?: "milk_meter" | "collar"; connectionStatus?: "online" | "offline"; state?: "active" | "decommissioned" }) {
  const id = deviceId();
  await db.device.create({ data: { deviceId: id, name: `Device ${id}`, deviceType: "milk_meter", state: "active", ...fields } });
  return id;
}

/** Rejects with this error class and these field keys (or message). */
async function refused(promise: Promise<unknown>, type: new (...args: never[]) => Error, fields?: string[]) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  if (fields) expect(Object.keys((error as InvalidError).fieldErrors)).toEqual(fields);
  return error as InvalidError;
}

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `QA${suffix}`, name: "Groups farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `QB${suffix}`, name: "Groups farm B" } })).id;
  admin = await person("admin", null);
  managerA = await person("manager", farm.a);
  viewer = await person("viewer", null);
});

afterAll(async () => {
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  const groups = await db.deviceGroup.findMany({ where: { code: { contains: `-${suffix}-` } }, select: { id: true } });
  const ids = groups.map((group) => group.id);
  await db.auditEvent.deleteMany({ where: { entityType: "group", entityId: { in: ids.map(String) } } });
  // Parents are RESTRICTed while children exist: cut the tree before deleting it.
  await db.deviceGroup.updateMany({ where: { id: { in: ids } }, data: { parentId: null } });
  await db.deviceGroup.deleteMany({ where: { id: { in: ids } } });
  await db.apiKey.deleteMany({ where: { createdById: admin.id } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@groups.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("creating a group", () => {
  it("stores the code upper-case, keeps the settings and records the creation", async () => {
    const raw = code("parlour").toLowerCase();
    const group = await newGroup(admin, { name: "Milking parlour", code: raw, farmId: farm.a, deviceTypeFilter: "milk_meter", healthCheckInterval: 120, offlineAlertThreshold: 2 });
    expect(group).toMatchObject({ code: raw.toUpperCase(), farm: { id: farm.a }, deviceTypeFilter: "milk_meter", healthCheckInterval: 120, offlineAlertThreshold: 2, deviceCount: 0 });
    const history = await db.auditEvent.findMany({ where: { entityType: "group", entityId: String(group.id) } });
    expect(history).toMatchObject([{ action: "created", actorLabel: admin.label, after: { code: raw.toUpperCase(), farm: `QA${suffix}` } }]);
  });

  it("gives a manager's group their farm when none is named, and an admin's none (cross-farm)", async () => {
    expect((await newGroup(managerA, {})).farmId).toBe(farm.a);
    expect((await newGroup(admin, {})).farmId).toBeNull();
  });

  it("refuses a code already taken, in any case, as a conflict on the code field", async () => {
    const taken = code("dup");
    await newGroup(admin, { code: taken, farmId: farm.a });
    const error = await refused(newGroup(admin, { code: taken.toLowerCase(), farmId: farm.b }), ConflictError, ["code"]);
    expect(error.fieldErrors.code?.[0]).toContain("already used");

    const other = await newGroup(admin, { farmId: farm.a });
    await refused(change(admin, other.id, { code: taken }), ConflictError, ["code"]);
  });

  it("refuses an unknown farm and an unknown parent beside their fields", async () => {
    await refused(newGroup(admin, { farmId: 999_999_999 }), InvalidError, ["farmId"]);
    await refused(newGroup(admin, { farmId: farm.a, parentId: 999_999_999 }), InvalidError, ["parentId"]);
  });
});

describe("the tree", () => {
  it("refuses a loop: a group under itself or under its own descendant", async () => {
    const top = await newGroup(admin, { farmId: farm.a });
    const middle = await newGroup(admin, { farmId: farm.a, parentId: top.id });
    const bottom = await newGroup(admin, { farmId: farm.a, parentId: middle.id });
    const loop = await refused(change(admin, top.id, { parentId: bottom.id }), InvalidError, ["parentId"]);
    expect(loop.message).toContain("cannot sit under its own sub-group");
    await refused(change(admin, middle.id, { parentId: middle.id }), InvalidError, ["parentId"]);
    expect((await getGroup(db, admin, top.id)).parentId).toBeNull();

    // Moving the bottom group up a level is fine.
    expect((await change(admin, bottom.id, { parentId: top.id })).parentId).toBe(top.id);
  });

  it("hangs a farm's group under the same farm or a cross-farm group, never under another farm", async () => {
    const crossFarm = await newGroup(admin, { farmId: null });
    const farmA = await newGroup(admin, { farmId: farm.a });
    expect((await newGroup(admin, { farmId: farm.a, parentId: crossFarm.id })).parentId).toBe(crossFarm.id);
    expect((await newGroup(admin, { farmId: farm.a, parentId: farmA.id })).parentId).toBe(farmA.id);
    await refused(newGroup(admin, { farmId: farm.b, parentId: farmA.id }), InvalidError, ["parentId"]);
    await refused(newGroup(admin, { farmId: null, parentId: farmA.id }), InvalidError, ["parentId"]);
  });

  it("refuses moving a group to another farm while its sub-groups stay behind", async () => {
    const parent = await newGroup(admin, { farmId: farm.a });
    await newGroup(admin, { farmId: farm.a, parentId: parent.id });
    await refused(change(admin, parent.id, { farmId: farm.b }), InvalidError, ["farmId"]);
    // Becoming cross-farm keeps the farm's sub-groups valid.
    expect((await change(admin, parent.id, { farmId: null })).farmId).toBeNull();
  });
});

describe("devices must keep fitting their group", () => {
  it("refuses a type filter that devices in the group do not match, naming the first ten and the count", async () => {
    const barn = await newGroup(admin, { farmId: farm.a });
    await device({ farmId: farm.a, groupId: barn.id, deviceType: "milk_meter" });
    const collars: string[] = [];
    for (let i = 0; i < 11; i++) collars.push(await device({ farmId: farm.a, groupId: barn.id, deviceType: "collar" }));
    // A retired collar keeps its old group and does not hold the change back.
    await device({ farmId: farm.a, groupId: barn.id, deviceType: "collar", state: "decommissioned" });

    const error = await refused(change(admin, barn.id, { deviceTypeFilter: "milk_meter" }), InvalidError, ["deviceTypeFilter"]);
    const message = error.fieldErrors.deviceTypeFilter![0]!;
    expect(message).toMatch(/^11 devices of another type are in/);
    expect(message).toContain(`${[...collars].sort().slice(0, 10).join(", ")} and 1 more`);
    expect((await getGroup(db, admin, barn.id)).deviceTypeFilter).toBeNull();

    // The filter the devices do fit is accepted.
    await db.device.updateMany({ where: { groupId: barn.id, deviceType: "collar", state: "active" }, data: { groupId: null } });
    expect((await change(admin, barn.id, { deviceTypeFilter: "milk_meter" })).deviceTypeFilter).toBe("milk_meter");
  });

  it("refuses moving a group to another farm while it holds this farm's devices", async () => {
    const barn = await newGroup(admin, { farmId: farm.a });
    const meter = await device({ farmId: farm.a, groupId: barn.id });
    const error = await refused(change(admin, barn.id, { farmId: farm.b }), InvalidError, ["farmId"]);
    expect(error.message).toContain(meter);
  });
});

describe("deleting a group", () => {
  it("refuses while it holds sub-groups or devices, saying what to move", async () => {
    const parent = await newGroup(admin, { farmId: farm.a, name: "Barn 3" });
    const child = await newGroup(admin, { farmId: farm.a, parentId: parent.id });
    const withChild = await refused(deleteGroup(db, admin, parent.id), ConflictError);
    expect(withChild.message).toBe("“Barn 3” still holds 1 sub-group. Move or delete its sub-groups first.");

    await device({ farmId: farm.a, groupId: child.id });
    await device({ farmId: farm.a, groupId: child.id });
    const withDevices = await refused(deleteGroup(db, admin, child.id), ConflictError);
    expect(withDevices.message).toContain("still holds 2 devices. Move its devices to another group first.");
  });

  it("deletes an empty group (retired devices let go of it) and records it", async () => {
    const group = await newGroup(admin, { farmId: farm.a });
    const retired = await device({ farmId: farm.a, groupId: group.id, state: "decommissioned" });
    expect(await deleteGroup(db, admin, group.id)).toEqual({ id: group.id });
    await refused(getGroup(db, admin, group.id), NotFoundError);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: retired } })).groupId).toBeNull();
    const history = await db.auditEvent.findMany({ where: { entityType: "group", entityId: String(group.id) }, orderBy: { id: "asc" } });
    expect(history.map((event) => event.action)).toEqual(["created", "deleted"]);
  });
});

describe("counts", () => {
  it("counts fleet devices and online ones per group and for the whole subtree", async () => {
    const top = await newGroup(admin, { farmId: null });
    const sub = await newGroup(admin, { farmId: farm.a, parentId: top.id });
    await device({ farmId: farm.a, groupId: top.id, connectionStatus: "online" });
    await device({ farmId: farm.b, groupId: top.id, connectionStatus: "offline" });
    await device({ farmId: farm.a, groupId: sub.id, connectionStatus: "online" });
    await device({ farmId: farm.a, groupId: sub.id, connectionStatus: "online" });
    await device({ farmId: farm.a, groupId: sub.id, connectionStatus: "offline" });
    await device({ farmId: farm.a, groupId: sub.id, connectionStatus: "online", state: "decommissioned" });

    const listed = new Map((await listGroups(db, admin)).map((group) => [group.id, group]));
    expect(listed.get(sub.id)).toMatchObject({ deviceCount: 3, onlineCount: 2, subtreeDeviceCount: 3, subtreeOnlineCount: 2 });
    expect(listed.get(top.id)).toMatchObject({ deviceCount: 2, onlineCount: 1, subtreeDeviceCount: 5, subtreeOnlineCount: 3 });
    expect(await getGroup(db, admin, top.id)).toMatchObject({ deviceCount: 2, subtreeDeviceCount: 5, subtreeOnlineCount: 3 });

    // A farm-bound manager counts only their own farm's devices in a cross-farm group.
    expect(await getGroup(db, managerA, top.id)).toMatchObject({ deviceCount: 1, onlineCount: 1, subtreeDeviceCount: 4 });
  });
});

describe("roles and farms", () => {
  it("shows a manager their farm's and the cross-farm groups, never another farm's", async () => {
    const mine = await newGroup(admin, { farmId: farm.a });
    const everyone = await newGroup(admin, { farmId: null });
    const theirs = await newGroup(admin, { farmId: farm.b });
    const ids = (await listGroups(db, managerA)).map((group) => group.id);
    expect(ids).toEqual(expect.arrayContaining([mine.id, everyone.id]));
    expect(ids).not.toContain(theirs.id);
    await refused(getGroup(db, managerA, theirs.id), NotFoundError);
  });

  it("lets a manager change only their own farm's groups", async () => {
    const mine = await newGroup(managerA, { farmId: farm.a });
    const everyone = await newGroup(admin, { farmId: null });
    const theirs = await newGroup(admin, { farmId: farm.b });

    expect((await change(managerA, mine.id, { name: "Dry cows barn" })).name).toBe("Dry cows barn");
    await refused(change(managerA, theirs.id, { name: "mine now" }), NotFoundError);
    await refused(deleteGroup(db, managerA, theirs.id), NotFoundError);
    await refused(change(managerA, everyone.id, { name: "mine now" }), ForbiddenError);
    await refused(deleteGroup(db, managerA, everyone.id), ForbiddenError);
    await refused(newGroup(managerA, { farmId: null }), InvalidError, ["farmId"]);
    await refused(newGroup(managerA, { farmId: farm.b }), InvalidError, ["farmId"]);
    await refused(change(managerA, mine.id, { farmId: farm.b }), InvalidError, ["farmId"]);
    await refused(newGroup(managerA, { farmId: farm.a, parentId: theirs.id }), InvalidError, ["parentId"]);
  });

  it("refuses every write to a viewer", async () => {
    const group = await newGroup(admin, { farmId: farm.a });
    await refused(newGroup(viewer, { farmId: farm.a }), ForbiddenError);
    await refused(change(viewer, group.id, { name: "x" }), ForbiddenError);
    await refused(deleteGroup(db, viewer, group.id), ForbiddenError);
    expect((await listGroups(db, viewer)).some((listed) => listed.id === group.id)).toBe(true);
  });

  it("records only what changed", async () => {
    const group = await newGroup(admin, { farmId: farm.a, name: "Calf shed", offlineAlertThreshold: 1 });
    await change(admin, group.id, { name: "Calf shed", offlineAlertThreshold: 4 });
    const updated = await db.auditEvent.findFirstOrThrow({ where: { entityType: "group", entityId: String(group.id), action: "updated" } });
    expect(updated.before).toEqual({ offlineAlertThreshold: 1 });
    expect(updated.after).toEqual({ offlineAlertThreshold: 4 });
  });
});

describe("/api/v1/groups", () => {
  let adminKey = "";
  let viewerKey = "";
  const call = (key: string, method: string, body?: unknown) => apiRequest(key, method, "/api/v1/groups", body);
  const params = (id: string) => withParams({ id });

  beforeAll(async () => {
    adminKey = (await createApiKey(db, admin, { name: `groups admin ${suffix}`, role: "admin" })).key;
    viewerKey = (await createApiKey(db, admin, { name: `groups viewer ${suffix}`, role: "viewer" })).key;
  });

  it("lets a viewer's key read the tree but not write it", async () => {
    const list = await groupRoutes.GET(call(viewerKey, "GET"), noParams);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { data: unknown[]; total: number };
    expect(body.total).toBe(body.data.length);

    const forged = await groupRoutes.POST(call(viewerKey, "POST", { name: "Forged", code: code("F") }), noParams);
    expect(forged.status).toBe(403);
  });

  it("creates (201), reads, partly updates and deletes a group", async () => {
    const created = await groupRoutes.POST(call(adminKey, "POST", { name: "Robot barn", code: code("robot").toLowerCase(), farmId: farm.a, deviceTypeFilter: "all" }), noParams);
    expect(created.status).toBe(201);
    const group = (await created.json()) as { id: number; code: string; farm: { code: string }; deviceTypeFilter: null; deviceCount: number };
    expect(group).toMatchObject({ farm: { code: `QA${suffix}` }, deviceTypeFilter: null, deviceCount: 0 });
    expect(group.code).toBe(group.code.toUpperCase());

    const updated = await groupRoute.PUT(call(adminKey, "PUT", { healthCheckInterval: 300 }), params(String(group.id)));
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ id: group.id, name: "Robot barn", healthCheckInterval: 300 });

    const deleted = await groupRoute.DELETE(call(adminKey, "DELETE"), params(String(group.id)));
    expect(await deleted.json()).toEqual({ id: group.id, deleted: true });
    expect((await groupRoute.GET(call(adminKey, "GET"), params(String(group.id)))).status).toBe(404);
  });

  it("answers a wrong body with 400 and one message per field, a taken code with 409, a bad id with 400", async () => {
    const wrong = await groupRoutes.POST(call(adminKey, "POST", { name: "", code: "no spaces", healthCheckInterval: "often", colour: 3 }), noParams);
    expect(wrong.status).toBe(400);
    const { error } = (await wrong.json()) as { error: { fields: Record<string, string[]> } };
    expect(error.fields).toEqual({ name: ["Name is required"], code: ["Use letters, digits, - and _ only (e.g. GVD-PARLOUR)"], healthCheckInterval: ["Must be a number"], colour: ["Unknown field"] });

    const taken = await newGroup(admin, { farmId: farm.a });
    const clash = await groupRoutes.POST(call(adminKey, "POST", { name: "Again", code: taken.code }), noParams);
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { error: { fields: Record<string, string[]> } }).error.fields.code).toHaveLength(1);

    const badId = await groupRoute.GET(call(adminKey, "GET"), params("parlour"));
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { error: { fields: Record<string, string[]> } }).error.fields.id).toEqual(["A group id is a number"]);

    const empty = await groupRoute.PUT(call(adminKey, "PUT", {}), params(String(taken.id)));
    expect(empty.status).toBe(400);
  });

  it("refuses to delete a group that still holds devices with 409", async () => {
    const group = await newGroup(admin, { farmId: farm.a });
    await device({ farmId: farm.a, groupId: group.id });
    const response = await groupRoute.DELETE(call(adminKey, "DELETE"), params(String(group.id)));
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("still holds 1 device");
  });
});
