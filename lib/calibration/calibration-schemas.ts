/**
 * What a calibration is recorded with: the hand form, the maintenance record of calibration work,
 * POST /api/v1/devices/{id}/calibrations and the command path all read it through this schema.
 */
import { z } from "zod";
import { optionalDate, optionalNumber, optionalText } from "../validation/form-values";

const verdict = z.preprocess((value) => {
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "passed" || word === "true" || word === "pass") return true;
    if (word === "failed" || word === "false" || word === "fail") return false;
  }
  return value;
}, z.boolean({ error: "Say whether the calibration passed or failed" }));

export const calibrationInputSchema = z
  .object({
    reference: optionalText(200),
    referenceValue: optionalNumber({ min: -1_000_000, max: 1_000_000 }),
    beforeValue: optionalNumber({ min: -1_000_000, max: 1_000_000 }),
    afterValue: optionalNumber({ min: -1_000_000, max: 1_000_000 }),
    beforeOffset: optionalNumber({ min: -1_000_000, max: 1_000_000 }),
    afterOffset: optionalNumber({ min: -1_000_000, max: 1_000_000 }),
    unit: optionalText(20),
    tolerance: optionalNumber({ min: 0, max: 1_000_000 }),
    passed: verdict,
    notes: optionalText(4000),
    /** When it was done; blank: now. Not in the future. */
    performedAt: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.date({ error: "Not a date and time" }).optional()),
    /** The next due date; blank: the interval of the device (or its type) from the day it was done. */
    nextDueOn: optionalDate,
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.performedAt && input.performedAt.getTime() > Date.now() + 5 * 60_000) {
      ctx.addIssue({ code: "custom", path: ["performedAt"], message: "A calibration cannot be recorded in the future" });
    }
    if (input.nextDueOn && input.nextDueOn.getTime() < (input.performedAt ?? new Date()).getTime() - 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["nextDueOn"], message: "The next due date must be after the calibration" });
    }
    const hasReading = [input.beforeValue, input.afterValue, input.beforeOffset, input.afterOffset].some((value) => value !== null && value !== undefined);
    if (!hasReading && !input.notes) {
      ctx.addIssue({ code: "custom", path: ["afterValue"], message: "Enter the readings (or offsets) before and after, or a note on what was done" });
    }
  });

export type CalibrationInput = z.output<typeof calibrationInputSchema>;
