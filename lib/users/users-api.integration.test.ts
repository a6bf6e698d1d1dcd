import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getProfileRoute } from "@/app/api/v1/me/profile/route";
import { GET as getUserRoute, PATCH as patchUser } from "@/app/api/v1/users/[id]/route";
import { POST as resendRoute } from "@/app/api/v1/users/[id]/invitation/route";
import { POST as resetRoute } from "@/app/api/v1/users/[id]/password-reset/route";
import { GET as listRoute, POST as inviteRoute } from "@/app/api/v1/users/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

// invitation and reset links are queued sealed (lib/notifications/sealed-link.ts)
process.env.SECRETS_KEY ||= "users-integration-test-key-0123456789";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 6);
const email = `api-invitee-${suffix}@test.example`;
let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await createApiFixture(db, "UA", suffix);
});

afterAll(async () => {
  const invitee = await db.user.findUnique({ where: { email } });
  if (invitee) {
    await db.notification.deleteMany({ where: { userId: invitee.id } });
    await db.auditEvent.deleteMany({ where: { entityType: "user", entityId: String(invitee.id) } });
    await db.user.delete({ where: { id: invitee.id } });
  }
  await removeApiFixture(db, fixture, []);
  await disconnectDb();
});

describe("/api/v1/users", () => {
  it("invites with an admin key, returning the link once and never again", async () => {
    const response = await inviteRoute(apiRequest(fixture.keys.admin, "POST", "/api/v1/users", { name: "Api Invitee", email, role: "viewer", farmId: fixture.farmA }), noParams);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ user: { email, status: "invited", farmId: fixture.farmA }, mailed: true });
    expect(body.link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    const read = await (await getUserRoute(apiRequest(fixture.keys.admin, "GET", `/api/v1/users/${body.user.id}`), withParams({ id: String(body.user.id) }))).json();
    expect(JSON.stringify(read)).not.toContain(body.link.split("/").pop());
    const list = await (await listRoute(apiRequest(fixture.keys.admin, "GET", "/api/v1/users?status=invited"), noParams)).json();
    expect(list.data.map((user: { email: string }) => user.email)).toContain(email);

    const resent = await resendRoute(apiRequest(fixture.keys.admin, "POST", `/api/v1/users/${body.user.id}/invitation`), withParams({ id: String(body.user.id) }));
    expect(resent.status).toBe(201);
    expect((await resent.json()).link).not.toBe(body.link);
    // Still invited: a reset link is for people who joined.
    expect((await resetRoute(apiRequest(fixture.keys.admin, "POST", `/api/v1/users/${body.user.id}/password-reset`), withParams({ id: String(body.user.id) }))).status).toBe(409);
  });

  it("answers bad input with the fields, a taken e-mail with 409, and a viewer or farm-bound key with 403", async () => {
    const bad = await inviteRoute(apiRequest(fixture.keys.admin, "POST", "/api/v1/users", { name: "", email: "nope", role: "boss" }), noParams);
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["email", "name", "role"]);
    expect((await inviteRoute(apiRequest(fixture.keys.admin, "POST", "/api/v1/users", { name: "Again", email, role: "viewer" }), noParams)).status).toBe(409);
    expect((await inviteRoute(apiRequest(fixture.keys.viewer, "POST", "/api/v1/users", { name: "X", email: `x-${email}`, role: "viewer" }), noParams)).status).toBe(403);
    const technician = await patchUser(apiRequest(fixture.keys.technician, "PATCH", `/api/v1/users/${fixture.userId}`, { role: "viewer" }), withParams({ id: String(fixture.userId) }));
    expect(technician.status).toBe(403);
    expect((await listRoute(apiRequest(fixture.keys.viewer, "GET", "/api/v1/users"), noParams)).status).toBe(403);
  });

  it("changes a role with PATCH, and refuses an empty one", async () => {
    const invitee = await db.user.findUniqueOrThrow({ where: { email } });
    const patched = await patchUser(apiRequest(fixture.keys.admin, "PATCH", `/api/v1/users/${invitee.id}`, { role: "technician", farmId: null }), withParams({ id: String(invitee.id) }));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ role: "technician", farmId: null });
    expect((await patchUser(apiRequest(fixture.keys.admin, "PATCH", `/api/v1/users/${invitee.id}`, {}), withParams({ id: String(invitee.id) }))).status).toBe(400);
    expect((await patchUser(apiRequest(fixture.keys.admin, "PATCH", `/api/v1/users/999999`, { name: "Ghost" }), withParams({ id: "999999" }))).status).toBe(404);
  });

  it("has no profile for an API key", async () => {
    expect((await getProfileRoute(apiRequest(fixture.keys.admin, "GET", "/api/v1/me/profile"), noParams)).status).toBe(403);
  });
});
