"use server";

/**
 * The device page's quick diagnosis (I-013 `quick_diagnose`); its other commands go through
 * lib/commands/command-actions. The device id comes from the page and is checked like any field.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { quickDiagnosisReport, startQuickDiagnosis, type QuickDiagnosisIds, type QuickDiagnosisReport } from "@/lib/commands/quick-diagnose";
import { getDb } from "@/lib/db";
import { deviceIdSchema } from "@/lib/devices/device-id";

async function forDevice<T>(deviceId: unknown, run: (deviceId: string) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  const parsed = deviceIdSchema.safeParse(deviceId);
  if (!parsed.success) return { ok: false, error: "Unknown device." };
  return run(parsed.data);
}

const quickIds = z.object({ statusCommandId: z.string().min(1).max(64).nullable(), pingCommandId: z.string().min(1).max(64).nullable() }).strict();

/** get_status and ping now; the report follows as their answers arrive. */
export async function quickDiagnoseAction(deviceId: string): Promise<ActionResult<QuickDiagnosisIds>> {
  return forDevice(deviceId, (id) =>
    defineAction({ permission: "devices.command", schema: z.object({}).strict() }, async (_parsed, actor) => {
      const ids = await startQuickDiagnosis(getDb(), actor, id);
      revalidatePath(`/devices/${id}`);
      revalidatePath("/diagnostics");
      return ids;
    })(null, {}),
  );
}

/** Read-only: what the quick diagnosis has gathered so far (polled until `answered`). */
export async function quickDiagnosisReportAction(deviceId: string, ids: QuickDiagnosisIds): Promise<ActionResult<QuickDiagnosisReport>> {
  return forDevice(deviceId, (id) => defineAction({ permission: "devices.read", schema: quickIds }, (parsed, actor) => quickDiagnosisReport(getDb(), actor, id, parsed))(null, ids));
}
