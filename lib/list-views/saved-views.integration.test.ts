/**
 * Saved views and list preferences against a real PostgreSQL: who may save, share, see, change and
 * delete a view (role and farm), duplicate names, pins, preferences merged per list, and the routes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as viewsRoute from "@/app/api/v1/views/route";
import * as viewRoute from "@/app/api/v1/views/[id]/route";
import * as preferencesRoute from "@/app/api/v1/me/list-preferences/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { apiRequest, noParams, withParams } from "../testing/api-fixture";
import { createTestPerson, refusal } from "../testing/people";
import { listPreferenceInputSchema, savedViewCreateSchema, savedViewUpdateSchema } from "./list-view-schemas";
import { listPresentation, readPreferences, saveDeviceSection, saveListPreference } from "./list-preferences";
import { createSavedView, deleteSavedView, getSavedView, listSavedViews, pinnedViews, pinSavedView, updateSavedView } from "./saved-views";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farm = { a: 0, b: 0 };
let admin: Actor;
let managerA: Actor;
let technicianA: Actor;
let technicianA2: Actor;
let managerB: Actor;
let adminKey: string;

const person = (role: Actor["role"], farmId: number | null, tag: string) => createTestPerson(db, role, farmId, `${tag}-${suffix}@views.test`, `Test ${tag}`);
const view = (actor: Actor, fields: Record<string, unknown>) => createSavedView(db, actor, savedViewCreateSchema.parse({ list: "devices", ...fields }));

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `SVA${suffix}`, name: `Views farm A ${suffix}` } })).id;
  farm.b = (await db.farm.create({ data: { code: `SVB${suffix}`, name: `Views farm B ${suffix}` } })).id;
  admin = await person("admin", null, "admin");
  managerA = await person("manager", farm.a, "managerA");
  technicianA = await person("technician", farm.a, "techA");
  technicianA2 = await person("technician", farm.a, "techA2");
  managerB = await person("manager", farm.b, "managerB");
  adminKey = (await createApiKey(db, admin, { name: `views ${suffix}`, role: "admin", farmId: null })).key;
});

afterAll(async () => {
  const ids = [admin, managerA, technicianA, technicianA2, managerB].map((actor) => actor.id);
  await db.apiKey.deleteMany({ where: { createdById: admin.id } });
  await db.auditEvent.deleteMany({ where: { actorId: { in: ids } } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("saving a view", () => {
  it("keeps a personal view for its owner only", async () => {
    const saved = await view(technicianA, { name: "My critical", query: "?health=critical&density=compact&page=2" });
    expect(saved).toMatchObject({ name: "My critical", query: "health=critical&density=compact", shared: false, farmId: null, mine: true, editable: true });
    expect(saved.href).toBe(`/devices?health=critical&density=compact&savedView=${saved.id}`);
    expect((await listSavedViews(db, technicianA, "devices")).map((v) => v.id)).toContain(saved.id);
    expect((await listSavedViews(db, technicianA2, "devices")).map((v) => v.id)).not.toContain(saved.id);
    expect(await refusal(getSavedView(db, managerA, saved.id))).toBeInstanceOf(NotFoundError);
  });

  it("refuses a second view of the same name on the same list, whatever its case, with a message naming it", async () => {
    await view(technicianA, { name: "Barn A" });
    const error = await refusal(view(technicianA, { name: "barn a" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/already have a view named “barn a”/);
    expect((error as ConflictError).fieldErrors.name).toBeDefined();
    // another list, or another person, may use the name
    await expect(view(technicianA, { name: "Barn A", list: "alerts" })).resolves.toMatchObject({ list: "alerts" });
    await expect(view(technicianA2, { name: "Barn A" })).resolves.toMatchObject({ mine: true });
    expect(await db.savedView.count({ where: { ownerId: technicianA.id, list: "devices", name: { equals: "barn a", mode: "insensitive" } } })).toBe(1);
  });

  it("lets a manager share with their own farm only, and refuses a technician sharing at all", async () => {
    const shared = await view(managerA, { name: "Farm A offline", query: "connection=offline", shared: true });
    expect(shared).toMatchObject({ shared: true, farmId: farm.a });
    expect(await refusal(view(managerA, { name: "Into B", shared: true, farmId: farm.b }))).toBeInstanceOf(ForbiddenError);
    const refused = await refusal(view(technicianA, { name: "Tech shares", shared: true }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toMatch(/does not allow sharing views/);
    expect(await db.savedView.count({ where: { name: { in: ["Into B", "Tech shares"] }, ownerId: { in: [managerA.id, technicianA.id] } } })).toBe(0);

    // the farm sees it; the other farm does not
    expect((await listSavedViews(db, technicianA, "devices")).find((v) => v.id === shared.id)).toMatchObject({ mine: false, editable: false, deletable: false, ownerName: managerA.name });
    expect(await refusal(getSavedView(db, managerB, shared.id))).toBeInstanceOf(NotFoundError);
    expect((await listSavedViews(db, admin)).map((v) => v.id)).toContain(shared.id);
  });

  it("lets an admin of every farm share with one farm or with every farm", async () => {
    const everyFarm = await view(admin, { name: "Whole fleet low battery", query: "sort=battery", shared: true });
    expect(everyFarm.farmId).toBeNull();
    const farmB = await view(admin, { name: "Farm B only", shared: true, farmId: farm.b });
    expect((await listSavedViews(db, managerB)).map((v) => v.id)).toEqual(expect.arrayContaining([everyFarm.id, farmB.id]));
    expect((await listSavedViews(db, managerA)).map((v) => v.id)).not.toContain(farmB.id);
    expect((await listSavedViews(db, managerA)).map((v) => v.id)).toContain(everyFarm.id);
  });
});

describe("changing and deleting a view", () => {
  it("is the owner's: another person of the farm may open a shared view but not change or delete it", async () => {
    const shared = await view(managerA, { name: "Change me", shared: true });
    expect(await refusal(updateSavedView(db, technicianA, shared.id, { name: "Mine now" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(deleteSavedView(db, technicianA, shared.id))).toBeInstanceOf(ForbiddenError);
    expect((await getSavedView(db, managerA, shared.id)).name).toBe("Change me");

    const renamed = await updateSavedView(db, managerA, shared.id, savedViewUpdateSchema.parse({ name: "Renamed", query: "?health=warning", shared: false }));
    expect(renamed).toMatchObject({ name: "Renamed", query: "health=warning", shared: false, farmId: null });
    expect(await refusal(getSavedView(db, technicianA, shared.id))).toBeInstanceOf(NotFoundError);
  });

  it("refuses renaming onto another of the owner's views", async () => {
    await view(managerA, { name: "First" });
    const second = await view(managerA, { name: "Second" });
    expect(await refusal(updateSavedView(db, managerA, second.id, { name: "FIRST" }))).toBeInstanceOf(ConflictError);
    expect((await getSavedView(db, managerA, second.id)).name).toBe("Second");
  });

  it("lets an admin delete a view someone shared", async () => {
    const shared = await view(managerA, { name: "Admin removes", shared: true });
    await deleteSavedView(db, admin, shared.id);
    expect(await db.savedView.findUnique({ where: { id: shared.id } })).toBeNull();
  });
});

describe("pins and preferences", () => {
  it("pins views one may open, in order, and drops a pin when the view is no longer shared", async () => {
    const own = await view(technicianA2, { name: "Pinned own" });
    const shared = await view(managerA, { name: "Pinned shared", shared: true });
    await pinSavedView(db, technicianA2, own.id, true);
    await pinSavedView(db, technicianA2, shared.id, true);
    await pinSavedView(db, technicianA2, shared.id, true);
    expect((await pinnedViews(db, technicianA2)).map((pin) => pin.name)).toEqual(["Pinned own", "Pinned shared"]);
    expect((await getSavedView(db, technicianA2, own.id)).pinned).toBe(true);
    // a view another farm cannot open cannot be pinned there
    expect(await refusal(pinSavedView(db, managerB, own.id, true))).toBeInstanceOf(NotFoundError);

    await updateSavedView(db, managerA, shared.id, { shared: false });
    expect((await pinnedViews(db, technicianA2)).map((pin) => pin.name)).toEqual(["Pinned own"]);
    await pinSavedView(db, technicianA2, own.id, false);
    expect(await pinnedViews(db, technicianA2)).toEqual([]);
  });

  it("keeps each list's density and columns per person, merged, and leaves pins alone", async () => {
    const own = await view(technicianA, { name: "Keep my pin" });
    await pinSavedView(db, technicianA, own.id, true);
    await saveListPreference(db, technicianA, listPreferenceInputSchema.parse({ list: "devices", density: "compact" }));
    await saveListPreference(db, technicianA, listPreferenceInputSchema.parse({ list: "devices", columns: ["device", "battery", "health"] }));
    await saveListPreference(db, technicianA, listPreferenceInputSchema.parse({ list: "alerts", density: "compact" }));
    const stored = await readPreferences(db, technicianA);
    expect(stored).toEqual({ lists: { devices: { density: "compact", columns: ["device", "battery", "health"] }, alerts: { density: "compact" } }, pinnedViews: [own.id] });
    expect(listPresentation("devices", stored, {})).toMatchObject({ density: "compact", columns: ["device", "battery", "health"] });
    // another person is untouched
    expect((await readPreferences(db, technicianA2)).lists).toBeUndefined();
    await saveListPreference(db, technicianA, listPreferenceInputSchema.parse({ list: "devices", columns: null }));
    expect((await readPreferences(db, technicianA)).lists?.devices).toEqual({ density: "compact" });
  });

  it("keeps the device page's last section beside the lists' choices, for that person only", async () => {
    await saveListPreference(db, technicianA, listPreferenceInputSchema.parse({ list: "maintenance", density: "compact" }));
    await saveDeviceSection(db, technicianA, "maintenance");
    const stored = await readPreferences(db, technicianA);
    expect(stored.deviceSection).toBe("maintenance");
    expect(stored.lists?.maintenance).toEqual({ density: "compact" });
    expect((await readPreferences(db, technicianA2)).deviceSection).toBeUndefined();
  });
});

describe("/api/v1/views and /api/v1/me/list-preferences", () => {
  it("refuse an API key: views and preferences belong to people", async () => {
    const list = await viewsRoute.GET(apiRequest(adminKey, "GET", "/api/v1/views"), noParams);
    expect(list.status).toBe(403);
    const post = await viewsRoute.POST(apiRequest(adminKey, "POST", "/api/v1/views", { list: "devices", name: "Key view" }), noParams);
    expect(post.status).toBe(403);
    expect(await db.savedView.count({ where: { name: "Key view" } })).toBe(0);
    const prefs = await preferencesRoute.PUT(apiRequest(adminKey, "PUT", "/api/v1/me/list-preferences", { list: "devices", density: "compact" }), noParams);
    expect(prefs.status).toBe(403);
  });

  it("answer a bad body with a 400 naming the field, and an unknown view with a 404", async () => {
    const bad = await viewsRoute.POST(apiRequest(adminKey, "POST", "/api/v1/views", { list: "devices", name: "" }), noParams);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields.name).toEqual(["A name is required"]);
    const missing = await viewRoute.GET(apiRequest(adminKey, "GET", "/api/v1/views/999999999"), withParams({ id: "999999999" }));
    expect([403, 404]).toContain(missing.status);
  });
});
