"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { groupCreateSchema, groupDeleteFormSchema, groupEditFormSchema } from "@/lib/groups/group-schemas";
import { createGroup, deleteGroup, updateGroup } from "@/lib/groups/groups";
import { tagCreateSchema, tagDeleteFormSchema, tagEditFormSchema } from "@/lib/tags/tag-schemas";
import { createTag, deleteTag, updateTag } from "@/lib/tags/tags";

export const createGroupAction = defineAction({ permission: "groups.write", schema: groupCreateSchema }, async (input, actor) => {
  const group = await createGroup(getDb(), actor, input);
  revalidatePath("/groups");
  return { id: group.id, name: group.name };
});

export const updateGroupAction = defineAction({ permission: "groups.write", schema: groupEditFormSchema }, async ({ id, ...input }, actor) => {
  const group = await updateGroup(getDb(), actor, id, input);
  revalidatePath("/groups");
  return { id: group.id, name: group.name };
});

export const deleteGroupAction = defineAction({ permission: "groups.write", schema: groupDeleteFormSchema }, async ({ id }, actor) => {
  await deleteGroup(getDb(), actor, id);
  revalidatePath("/groups");
  return { id };
});

export const createTagAction = defineAction({ permission: "groups.write", schema: tagCreateSchema }, async (input, actor) => {
  const tag = await createTag(getDb(), actor, input);
  revalidatePath("/groups");
  return { id: tag.id, name: tag.name };
});

export const updateTagAction = defineAction({ permission: "groups.write", schema: tagEditFormSchema }, async ({ id, ...input }, actor) => {
  const tag = await updateTag(getDb(), actor, id, input);
  revalidatePath("/groups");
  return { id: tag.id, name: tag.name };
});

export const deleteTagAction = defineAction({ permission: "groups.write", schema: tagDeleteFormSchema }, async ({ id }, actor) => {
  await deleteTag(getDb(), actor, id);
  revalidatePath("/groups");
  return { id };
});
