/**
 * Maintenance plans (I-013 `schedule_maintenance`): made, changed and deactivated by planners
 * (maintenance.plan) on their farm. A new or changed plan's occurrences are made at once by the
 * same function the maintenance sweep runs, so the calendar shows them without waiting.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import type { PlanInput, PlanUpdateInput } from "./maintenance-schemas";
import type { PlanDetail } from "./maintenance-types";

/** Refused per field: another farm's device/group (404), a retired device, a group not on the farm. */
export async function createPlan(db: Db, actor: Actor, input: PlanInput): Promise<PlanDetail> {
  void db; void actor; void input;
  throw new Error("not implemented yet");
}

/** Open occurrences not yet started after today are remade in the new rhythm. */
export async function updatePlan(db: Db, actor: Actor, id: number, input: PlanUpdateInput): Promise<PlanDetail> {
  void db; void actor; void id; void input;
  throw new Error("not implemented yet");
}

/** Stops the plan: no more occurrences; its scheduled future ones are cancelled ("plan deactivated"). */
export async function deactivatePlan(db: Db, actor: Actor, id: number): Promise<PlanDetail> {
  void db; void actor; void id;
  throw new Error("not implemented yet");
}
