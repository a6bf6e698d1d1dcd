/**
 * The tag verbs against a real PostgreSQL: unique names whatever their case, palette colours,
 * device counts, deleting a tag off its devices, roles, the history, and /api/v1/tags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tagRoutes from "@/app/api/v1/tags/route";
import * as tagRoute from "@/app/api/v1/tags/[id]/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest, noParams, withParams } from "../testing/api-fixture";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { tagCreateSchema } from "./tag-schemas";
import { createTag, deleteTag, getTag, listTags, updateTag } from "./tags";
import { deviceHistory } from "../devices/device-history";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let serial = 0;
/** A tag name of this run, unique per call. */
const tagName = (word: string) => `${word} ${suffix}-${serial++}`;

const farm = { a: 0, b: 0 };
let admin: Actor;
let managerA: Actor;
let technicianA: Actor;
let managerB: Actor;

const person = (role: Actor["role"], farmId: number | null, farmLetter = "") => createTestPerson(db, role, farmId, `${role}${farmLetter}-${suffix}@tags.test`, `Test ${role}`);

function newTag(actor: Actor, fields: Record<string, unknown> = {}) {
  return createTag(db, actor, tagCreateSchema.parse({ name: tagName("tag"), ...fields }));
}

async function taggedDevice(tagId: number, farmId: number, state: "active" | "decommissioned" = "active") {
  const id = `QT${suffix}${String(serial++).padStart(3, "0")}`;
  await db.device.create({ data: { deviceId: id, name: `Device ${id}`, deviceType: "collar", farmId, state, tags: { create: [{ tagId }] } } });
  return id;
}

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `TA${suffix}`, name: "Tags farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `TB${suffix}`, name: "Tags farm B" } })).id;
  admin = await person("admin", null);
  managerA = await person("manager", farm.a);
  technicianA = await person("technician", farm.a);
  managerB = await person("manager", farm.b, "b");
});

afterAll(async () => {
  const devices = await db.device.findMany({ where: { farmId: { in: [farm.a, farm.b] } }, select: { deviceId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: devices.map((device) => device.deviceId) } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  const tags = await db.deviceTag.findMany({ where: { name: { contains: suffix } }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "tag", entityId: { in: tags.map((tag) => String(tag.id)) } } });
  await db.deviceTag.deleteMany({ where: { name: { contains: suffix } } });
  await db.apiKey.deleteMany({ where: { createdById: admin.id } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@tags.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("tags", () => {
  it("creates a tag with a palette colour and records it", async () => {
    const name = tagName("Fresh cows");
    const tag = await newTag(managerA, { name, color: 5 });
    expect(tag).toMatchObject({ name, color: 5, deviceCount: 0 });
    const history = await db.auditEvent.findMany({ where: { entityType: "tag", entityId: String(tag.id) } });
    expect(history).toMatchObject([{ action: "created", after: { name, color: 5 } }]);
  });

  it("refuses a name already taken in another case, as a conflict on the name", async () => {
    const name = tagName("Dry cows");
    await newTag(admin, { name });
    const error = await rejection(newTag(admin, { name: name.toUpperCase() }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).fieldErrors.name).toEqual([`“${name}” already exists`]);

    const other = await newTag(admin);
    expect(await rejection(updateTag(db, admin, other.id, { name: name.toLowerCase() }))).toBeInstanceOf(ConflictError);
    // Renaming a tag to its own name in another case is not a clash with itself.
    expect((await updateTag(db, admin, other.id, { name: other.name.toUpperCase() })).name).toBe(other.name.toUpperCase());
  });

  it("compares names literally: % and _ in a name are not wildcards", async () => {
    const name = tagName("Pen_1");
    await newTag(admin, { name });
    expect((await newTag(admin, { name: name.replace("_", "X") })).name).toBe(name.replace("_", "X"));
    expect((await newTag(admin, { name: `100 ${suffix}` })).name).toBe(`100 ${suffix}`);
    expect((await newTag(admin, { name: `100% ${suffix}` })).name).toBe(`100% ${suffix}`);
  });

  it("renames and recolours, recording only what changed", async () => {
    const tag = await newTag(admin, { color: 1 });
    const renamed = tagName("Heifers");
    expect(await updateTag(db, admin, tag.id, { name: renamed, color: 1 })).toMatchObject({ name: renamed, color: 1 });
    const updated = await db.auditEvent.findFirstOrThrow({ where: { entityType: "tag", entityId: String(tag.id), action: "updated" } });
    expect(updated.before).toEqual({ name: tag.name });
    expect(updated.after).toEqual({ name: renamed });
  });

  it("counts the fleet devices carrying a tag, a farm-bound person's farm only", async () => {
    const tag = await newTag(admin);
    await taggedDevice(tag.id, farm.a);
    await taggedDevice(tag.id, farm.a);
    await taggedDevice(tag.id, farm.b);
    await taggedDevice(tag.id, farm.a, "decommissioned");
    expect((await getTag(db, admin, tag.id)).deviceCount).toBe(3);
    expect((await getTag(db, managerA, tag.id)).deviceCount).toBe(2);
    expect((await listTags(db, admin, { farmId: farm.b })).find((listed) => listed.id === tag.id)?.deviceCount).toBe(1);
  });

  it("deletes a tag off every device and records how many carried it", async () => {
    const tag = await newTag(admin);
    const device = await taggedDevice(tag.id, farm.a);
    expect(await deleteTag(db, admin, tag.id)).toEqual({ id: tag.id });
    expect(await db.deviceTagLink.count({ where: { tagId: tag.id } })).toBe(0);
    expect(await db.device.count({ where: { deviceId: device } })).toBe(1);
    const deleted = await db.auditEvent.findFirstOrThrow({ where: { entityType: "tag", entityId: String(tag.id), action: "deleted" } });
    expect(deleted.before).toMatchObject({ name: tag.name, devices: 1 });
    expect(await rejection(getTag(db, admin, tag.id))).toBeInstanceOf(NotFoundError);
  });

  it("lets only managers and admins write tags", async () => {
    const tag = await newTag(admin);
    expect(await rejection(newTag(technicianA))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(updateTag(db, technicianA, tag.id, { color: 2 }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(deleteTag(db, technicianA, tag.id))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(updateTag(db, managerA, 999_999_999, { color: 2 }))).toBeInstanceOf(NotFoundError);
  });
});

describe("tags across farms", () => {
  const tagHistory = async (deviceId: string) => (await deviceHistory(db, deviceId)).filter((entry) => entry.action.startsWith("tag_"));

  it("refuses a farm-bound manager renaming, recolouring or deleting a tag other farms' devices carry, and changes nothing", async () => {
    const tag = await newTag(managerA, { color: 3 });
    const ours = await taggedDevice(tag.id, farm.a);
    const theirs = await taggedDevice(tag.id, farm.b);
    const refusals = [await rejection(updateTag(db, managerA, tag.id, { name: tagName("Renamed") })), await rejection(updateTag(db, managerA, tag.id, { color: 4 })), await rejection(deleteTag(db, managerA, tag.id))];
    for (const error of refusals) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toBe(`“${tag.name}” is also on other farms' devices: a shared tag is renamed, recoloured or deleted by an admin only.`);
    }
    expect(await db.deviceTag.findUnique({ where: { id: tag.id }, select: { name: true, color: true } })).toEqual({ name: tag.name, color: 3 });
    expect(await db.deviceTagLink.count({ where: { tagId: tag.id } })).toBe(2);
    expect(await db.auditEvent.count({ where: { entityType: "tag", entityId: String(tag.id), action: { not: "created" } } })).toBe(0);
    expect([...(await tagHistory(ours)), ...(await tagHistory(theirs))]).toEqual([]);
    // The panel shows it as shared, with no edit for them; an admin may.
    expect((await listTags(db, managerA)).find((listed) => listed.id === tag.id)).toMatchObject({ editable: false, shared: true });
    expect((await getTag(db, admin, tag.id)).editable).toBe(true);
  });

  it("lets a farm-bound manager change a tag only their farm's devices carry, and writes it in those devices' history", async () => {
    const tag = await newTag(managerB);
    const device = await taggedDevice(tag.id, farm.a);
    // Made for farm B, but now on a farm A device only: farm A's to change, no longer farm B's.
    expect(await rejection(updateTag(db, managerB, tag.id, { color: 2 }))).toBeInstanceOf(ForbiddenError);
    const renamed = tagName("Barn 2");
    expect(await updateTag(db, managerA, tag.id, { name: renamed })).toMatchObject({ name: renamed, editable: true, shared: false });
    expect(await tagHistory(device)).toMatchObject([{ action: "tag_renamed", who: managerA.label, changes: [{ field: "tagRenamed", label: "Tag renamed", before: tag.name, after: renamed }] }]);
    await deleteTag(db, managerA, tag.id);
    expect((await tagHistory(device))[0]).toMatchObject({ action: "tag_deleted", changes: [{ field: "tagRemoved", before: renamed, after: null }] });
  });

  it("lets a farm-bound manager change an unused tag made for their farm, not one made for another farm or by an admin", async () => {
    const ownUnused = await newTag(managerA);
    const otherFarms = await newTag(managerB);
    const adminMade = await newTag(admin);
    expect((await updateTag(db, managerA, ownUnused.id, { color: 7 })).color).toBe(7);
    expect(await deleteTag(db, managerA, ownUnused.id)).toEqual({ id: ownUnused.id });
    for (const tag of [otherFarms, adminMade]) {
      const error = await rejection(deleteTag(db, managerA, tag.id));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toBe(`“${tag.name}” was not made for your farm and none of your farm's devices carry it: an admin changes it.`);
      expect(await db.deviceTag.count({ where: { id: tag.id } })).toBe(1);
    }
  });

  it("lets an admin rename and delete a shared tag, written in every carrier's history, retired devices included", async () => {
    const tag = await newTag(managerA);
    const carriers = [await taggedDevice(tag.id, farm.a), await taggedDevice(tag.id, farm.b), await taggedDevice(tag.id, farm.b, "decommissioned")];
    const untagged = await taggedDevice((await newTag(admin)).id, farm.a);
    const renamed = tagName("Pilot");
    await updateTag(db, admin, tag.id, { name: renamed, color: 1 });
    await deleteTag(db, admin, tag.id);
    for (const device of carriers) {
      expect((await tagHistory(device)).map((entry) => [entry.action, entry.who, entry.changes[0]?.before, entry.changes[0]?.after])).toEqual([
        ["tag_deleted", admin.label, renamed, null],
        ["tag_renamed", admin.label, tag.name, renamed],
      ]);
    }
    expect(await tagHistory(untagged)).toEqual([]);
    const deleted = await db.auditEvent.findFirstOrThrow({ where: { entityType: "tag", entityId: String(tag.id), action: "deleted" } });
    expect(deleted.before).toMatchObject({ devices: 3 });
  });
});

describe("/api/v1/tags", () => {
  let adminKey = "";
  let viewerKey = "";
  const call = (key: string, method: string, body?: unknown) => apiRequest(key, method, "/api/v1/tags", body);
  const params = (id: string) => withParams({ id });

  beforeAll(async () => {
    adminKey = (await createApiKey(db, admin, { name: `tags admin ${suffix}`, role: "admin" })).key;
    viewerKey = (await createApiKey(db, admin, { name: `tags viewer ${suffix}`, role: "viewer" })).key;
  });

  it("creates (201), recolours, lists and deletes a tag", async () => {
    const name = tagName("Lameness watch");
    const created = await tagRoutes.POST(call(adminKey, "POST", { name, color: 1 }), noParams);
    expect(created.status).toBe(201);
    const tag = (await created.json()) as { id: number };
    expect((await tagRoute.PUT(call(adminKey, "PUT", { color: 9 }), params(String(tag.id)))).status).toBe(200);
    const list = (await (await tagRoutes.GET(call(viewerKey, "GET"), noParams)).json()) as { data: { id: number; color: number }[]; total: number };
    expect(list.data.find((listed) => listed.id === tag.id)?.color).toBe(9);
    expect(await (await tagRoute.DELETE(call(adminKey, "DELETE"), params(String(tag.id)))).json()).toEqual({ id: tag.id, deleted: true });
  });

  it("answers 403 with the reason to a farm-bound manager's key changing a shared tag", async () => {
    const managerKey = (await createApiKey(db, admin, { name: `tags manager ${suffix}`, role: "manager", farmId: farm.a })).key;
    const tag = await newTag(admin);
    await taggedDevice(tag.id, farm.a);
    await taggedDevice(tag.id, farm.b);
    const refused = await tagRoute.PUT(apiRequest(managerKey, "PUT", `/api/v1/tags/${tag.id}`, { name: tagName("x") }), params(String(tag.id)));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("shared tag");
    expect((await tagRoute.DELETE(apiRequest(managerKey, "DELETE", `/api/v1/tags/${tag.id}`), params(String(tag.id)))).status).toBe(403);
    expect((await getTag(db, admin, tag.id)).name).toBe(tag.name);
  });

  it("answers 403 to a viewer's write, 400 per field, 409 to a taken name, 404 to an unknown tag", async () => {
    expect((await tagRoutes.POST(call(viewerKey, "POST", { name: tagName("forged") }), noParams)).status).toBe(403);

    const wrong = await tagRoutes.POST(call(adminKey, "POST", { name: "", color: 12 }), noParams);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({ name: ["Name is required"], color: ["Must be at most 11"] });

    const existing = await newTag(admin);
    expect((await tagRoutes.POST(call(adminKey, "POST", { name: existing.name }), noParams)).status).toBe(409);
    expect((await tagRoute.PUT(call(adminKey, "PUT", { color: 1 }), params("999999999"))).status).toBe(404);
    expect((await tagRoute.DELETE(call(adminKey, "DELETE"), params("pilot"))).status).toBe(400);
  });
});
