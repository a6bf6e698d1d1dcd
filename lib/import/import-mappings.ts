/**
 * Remembered mappings (import_mappings): the mapping and reading options of the last import of a
 * file with the same headers, found by header signature only — a mapping is never offered for a
 * file whose headers differ, even by one column.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { columnKeys, isTarget, mappingToObject, type ColumnMapping } from "./column-mapping";
import { normaliseHeader } from "./import-columns";

/** The same file layout gives the same signature: headers normalised (case, spaces, dashes), in order. */
export function headerSignature(headers: string[]): string {
  return createHash("sha256").update(headers.map(normaliseHeader).join("\u001f")).digest("hex");
}

export type RememberedMapping = { mapping: ColumnMapping; options: Record<string, unknown>; updatedAt: Date };

export async function rememberedMapping(db: Db, headers: string[]): Promise<RememberedMapping | null> {
  const saved = await db.importMapping.findUnique({ where: { headerSignature: headerSignature(headers) } });
  if (!saved || !saved.mapping || typeof saved.mapping !== "object" || Array.isArray(saved.mapping)) return null;
  const stored = saved.mapping as Record<string, unknown>;
  // The signature matched: the same headers up to case and spacing, in the same order; the
  // mapping is stored by the remembered file's column names and applied by position.
  const savedHeaders = Array.isArray(saved.headers) ? (saved.headers as unknown[]).map(String) : [];
  if (savedHeaders.length !== headers.length) return null;
  const keys = columnKeys(savedHeaders);
  if (keys.some((key) => !isTarget(stored[key]))) return null;
  return { mapping: keys.map((key) => stored[key]) as ColumnMapping, options: (saved.options ?? {}) as Record<string, unknown>, updatedAt: saved.updatedAt };
}

export async function rememberMapping(db: Db, actor: Actor, headers: string[], mapping: ColumnMapping, options: Record<string, unknown>): Promise<void> {
  const headerSignatureValue = headerSignature(headers);
  const data = {
    headers: headers as Prisma.InputJsonValue,
    mapping: mappingToObject(headers, mapping) as Prisma.InputJsonValue,
    options: options as Prisma.InputJsonValue,
    updatedById: actor.kind === "user" ? actor.id : null,
  };
  await db.importMapping.upsert({ where: { headerSignature: headerSignatureValue }, create: { headerSignature: headerSignatureValue, ...data }, update: data });
}
