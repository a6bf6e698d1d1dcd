/**
 * The command center's "recent bulk commands": the latest few batches the actor's farms were sent,
 * each with its progress as batchProgress counts it (a handful of batches, so one count each).
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { batchProgress } from "./bulk-commands";
import type { BatchView } from "./command-schemas";

export async function recentBatches(db: Db, actor: Actor, { farmId, limit }: { farmId: number | null; limit: number }): Promise<BatchView[]> {
  const scope = farmScope(actor);
  const rows = await db.commandBatch.findMany({
    where: { AND: [scope !== null ? { farmId: scope } : {}, farmId !== null ? { farmId } : {}] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true },
  });
  return Promise.all(rows.map((row) => batchProgress(db, actor, row.id)));
}
