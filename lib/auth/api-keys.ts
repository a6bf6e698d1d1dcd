/**
 * API keys for /api/v1 (I-013 appendix A.3): created by an admin, shown once, stored as a SHA-256
 * hash (the key has 256 bits of entropy, so a fast hash is enough and keeps every request cheap).
 */
import { z } from "zod";
import type { Db } from "../db";
import { ForbiddenError, NotFoundError } from "../errors";
import { hashSecret, newSecret } from "../provisioning/credentials";
import { can, permissionRefusal, ROLES, type Actor, type RoleName } from "./permissions";
import { recordAudit } from "../audit/record";

export const API_KEY_PREFIX = "sdm_";

export const createApiKeySchema = z.object({
  name: z.string().trim().min(2, "Give the key a name (at least 2 characters)").max(120),
  role: z.enum(ROLES, { message: "Choose a role" }),
  // A form's "All farms" option sends an empty string: that means no farm, not farm 0.
  farmId: z.preprocess((value) => (value === "" ? null : value), z.coerce.number().int().positive("Choose a farm").nullish()),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export async function createApiKey(db: Db, actor: Actor, input: CreateApiKeyInput) {
  if (!can(actor.role, "apikeys.manage")) throw new ForbiddenError("Only admins create API keys.");
  const refusal = permissionRefusal(actor, "apikeys.manage");
  if (refusal) throw new ForbiddenError(refusal);
  const key = `${API_KEY_PREFIX}${newSecret(32)}`;
  const record = await db.apiKey.create({
    data: {
      name: input.name,
      role: input.role,
      farmId: input.farmId ?? null,
      prefix: key.slice(0, 12),
      keyHash: hashSecret(key),
      createdById: actor.id,
    },
  });
  await recordAudit(db, actor, { entityType: "api_key", entityId: String(record.id), action: "created", after: { name: record.name, role: record.role, prefix: record.prefix } });
  return { key, record };
}

export async function revokeApiKey(db: Db, actor: Actor, id: number) {
  if (!can(actor.role, "apikeys.manage")) throw new ForbiddenError("Only admins revoke API keys.");
  const refusal = permissionRefusal(actor, "apikeys.manage");
  if (refusal) throw new ForbiddenError(refusal);
  const existing = await db.apiKey.findUnique({ where: { id } });
  if (!existing) throw new NotFoundError("API key not found.");
  if (existing.revokedAt) return existing;
  const revoked = await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(db, actor, { entityType: "api_key", entityId: String(id), action: "revoked", before: { revokedAt: null }, after: { revokedAt: revoked.revokedAt } });
  return revoked;
}

/** `X-API-Key: …` or `Authorization: Bearer …` → the key's value, if any. */
export function apiKeyFromHeaders(headers: Headers): string | null {
  const explicit = headers.get("x-api-key")?.trim();
  if (explicit) return explicit;
  const authorization = headers.get("authorization")?.trim();
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

export async function authenticateApiKey(db: Db, key: string): Promise<Actor | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const record = await db.apiKey.findUnique({ where: { keyHash: hashSecret(key) }, include: { createdBy: { select: { active: true, role: true, farmId: true } } } });
  // A key acts on its creator's authority: it stops with them, as their sessions do — when they
  // leave, and when they are no longer an admin of every farm (what minting a key takes).
  if (!record || record.revokedAt || !record.createdBy.active || record.createdBy.role !== "admin" || record.createdBy.farmId !== null) return null;
  // Record use at most once a minute, so a busy integration does not write on every request.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return { kind: "api_key", id: record.id, label: `api-key:${record.prefix}`, name: record.name, role: record.role as RoleName, farmId: record.farmId };
}
