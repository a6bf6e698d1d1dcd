/**
 * What the route-handler integration tests share: a Request as a script would send it, and two
 * farms with an API key per role (a technician bound to farm A), removed again afterwards.
 */
import { createApiKey } from "../auth/api-keys";
import type { Actor, RoleName } from "../auth/permissions";
import type { Db } from "../db";

export const noParams = { params: Promise.resolve({}) as Promise<Record<string, never>> };

export function withParams<P>(params: P) {
  return { params: Promise.resolve(params) };
}

/** A request with an API key (or none, for the endpoints devices and brokers call). */
export function apiRequest(key: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { ...(key ? { "X-API-Key": key } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

export type ApiFixture = { farmA: number; farmB: number; userId: number; keys: Record<"admin" | "viewer" | "technician", string> };

/** `codePrefix` (two letters) and `suffix` keep this file's farms apart from every other test's. */
export async function createApiFixture(db: Db, codePrefix: string, suffix: string): Promise<ApiFixture> {
  const farmA = (await db.farm.create({ data: { code: `${codePrefix}A${suffix}`, name: `${codePrefix} farm A ${suffix}` } })).id;
  const farmB = (await db.farm.create({ data: { code: `${codePrefix}B${suffix}`, name: `${codePrefix} farm B ${suffix}` } })).id;
  const user = await db.user.create({ data: { email: `${codePrefix.toLowerCase()}-${suffix}@test.example`, name: `${codePrefix} admin`, role: "admin", passwordHash: "x" } });
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  const keys = {} as ApiFixture["keys"];
  for (const [role, farmId] of [["admin", null], ["viewer", null], ["technician", farmA]] as [RoleName & keyof ApiFixture["keys"], number | null][]) {
    keys[role] = (await createApiKey(db, admin, { name: `${codePrefix} ${role} ${suffix}`, role, farmId })).key;
  }
  return { farmA, farmB, userId: user.id, keys };
}

/** Removes the fixture and the devices (with their history) it was used for. */
export async function removeApiFixture(db: Db, fixture: ApiFixture, deviceIds: string[]) {
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: deviceIds } } });
  await db.device.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await db.apiKey.deleteMany({ where: { createdById: fixture.userId } });
  await db.auditEvent.deleteMany({ where: { actorId: fixture.userId } });
  await db.user.delete({ where: { id: fixture.userId } });
  await db.farm.deleteMany({ where: { id: { in: [fixture.farmA, fixture.farmB] } } });
}
