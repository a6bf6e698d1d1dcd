/**
 * The one definition of what a device tag (M92 `iot.device.tag`) may be written with: the tags
 * panel, the server actions, /api/v1/tags and the OpenAPI document all use these.
 */
import { z } from "zod";
import { keepWhenBlank, optionalNumber, requiredText } from "../validation/form-values";
import { TAG_PALETTE } from "./tag-colors";

const tagFields = {
  name: requiredText(100, "Name"),
  /** An index into the tag palette (Odoo's colour integer), 0 to 11. */
  color: keepWhenBlank(optionalNumber({ min: 0, max: TAG_PALETTE.length - 1, int: true })),
};

/** POST /api/v1/tags and the "New tag" form. */
export const tagCreateSchema = z.object(tagFields).strict();
export type TagCreateInput = z.infer<typeof tagCreateSchema>;

/** PUT /api/v1/tags/{id}: rename, recolour or both. */
export const tagUpdateSchema = z
  .object(tagFields)
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Send at least one field to change");
export type TagUpdateInput = z.infer<typeof tagUpdateSchema>;

export const tagIdSchema = z.coerce.number({ error: "A tag id is a number" }).int("A tag id is a whole number").positive("A tag id is a positive number");
export const tagIdParamsSchema = z.object({ id: tagIdSchema });

/** The tag's edit form sends its id with the fields. */
export const tagEditFormSchema = z.object({ id: tagIdSchema, ...tagFields }).strict();
export const tagDeleteFormSchema = z.object({ id: tagIdSchema }).strict();
