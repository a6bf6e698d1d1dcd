"use server";

/** The device page's "Record calibration" form. Role and farm are judged on the server. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "../actions/define-action";
import { getDb } from "../db";
import { fieldErrorsFromIssues, InvalidError } from "../errors";
import { calibrationInputSchema } from "./calibration-schemas";
import { recordCalibration } from "./calibrations";

const withDevice = z.looseObject({ deviceId: z.string().trim().min(1).max(50) });

export const recordCalibrationAction = defineAction({ permission: "maintenance.write", schema: withDevice }, async (fields, actor) => {
  const { deviceId, ...rest } = fields;
  const parsed = calibrationInputSchema.safeParse(rest);
  if (!parsed.success) throw new InvalidError("Please correct the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
  const made = await recordCalibration(getDb(), actor, deviceId, parsed.data);
  revalidatePath(`/devices/${deviceId}`);
  return { id: made.id, passed: made.passed, nextDueOn: made.nextDueOn ? made.nextDueOn.toISOString().slice(0, 10) : null };
});
