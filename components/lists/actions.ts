"use server";

import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { listPreferenceInputSchema, pinSchema, savedViewCreateSchema, savedViewIdSchema, savedViewUpdateSchema } from "@/lib/list-views/list-view-schemas";
import { DEVICE_SECTIONS } from "@/components/devices/device-sections";
import { saveDeviceSection, saveListPreference } from "@/lib/list-views/list-preferences";
import { createSavedView, deleteSavedView, pinSavedView, updateSavedView } from "@/lib/list-views/saved-views";

/** Every signed-in person reads some list; the rules (owner, sharing, farm) are checked in lib/list-views. */
const PERMISSION = "devices.read" as const;

export const saveListPreferenceAction = defineAction({ permission: PERMISSION, schema: listPreferenceInputSchema }, async (input, actor) => {
  await saveListPreference(getDb(), actor, input);
  return { saved: true };
});

export const saveViewAction = defineAction({ permission: PERMISSION, schema: savedViewCreateSchema.extend({ pin: z.boolean().default(true) }) }, async ({ pin, ...input }, actor) => {
  const view = await createSavedView(getDb(), actor, input);
  if (pin) await pinSavedView(getDb(), actor, view.id, true);
  return { id: view.id, href: view.href };
});

export const updateViewAction = defineAction({ permission: PERMISSION, schema: z.object({ id: savedViewIdSchema, changes: savedViewUpdateSchema }).strict() }, async ({ id, changes }, actor) => {
  const view = await updateSavedView(getDb(), actor, id, changes);
  return { id: view.id, href: view.href };
});

export const deleteViewAction = defineAction({ permission: PERMISSION, schema: z.object({ id: savedViewIdSchema }).strict() }, async ({ id }, actor) => {
  await deleteSavedView(getDb(), actor, id);
  return { deleted: true };
});

export const pinViewAction = defineAction({ permission: PERMISSION, schema: pinSchema.extend({ id: savedViewIdSchema }) }, async ({ id, pinned }, actor) => {
  await pinSavedView(getDb(), actor, id, pinned);
  return { pinned };
});

/** The device page's tab a person chose: opened first on their next device page, in any browser. */
export const saveDeviceSectionAction = defineAction({ permission: PERMISSION, schema: z.object({ section: z.enum(DEVICE_SECTIONS) }).strict() }, async ({ section }, actor) => {
  await saveDeviceSection(getDb(), actor, section);
  return { section };
});
