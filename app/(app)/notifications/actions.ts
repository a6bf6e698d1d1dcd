"use server";

/**
 * The notification screens' server actions. Each one checks the permission here (defineAction) and
 * hands the form's fields to lib/notifications, whose zod schemas and farm checks decide; a refusal
 * comes back as field errors for the form, with nothing written.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { createChannel, deleteChannel, sendTestNotification, updateChannel } from "@/lib/notifications/channels";
import { retryDelivery } from "@/lib/notifications/deliveries";
import { markRead } from "@/lib/notifications/inbox";
import { recordId } from "@/lib/notifications/notification-schemas";
import { replaceOnCall } from "@/lib/notifications/on-call";
import { createRule, deleteRule, updateRule } from "@/lib/notifications/rules";

const anyFields = z.object({}).loose();
const withId = z.object({ id: recordId }).loose();
const withFarm = z.object({ farmId: recordId }).loose();

function settingsChanged() {
  revalidatePath("/notifications/settings");
}

export const markReadAction = defineAction({ permission: "alerts.read", schema: anyFields }, async (input, actor) => {
  const result = await markRead(getDb(), actor, input);
  revalidatePath("/notifications");
  return result;
});

export const createRuleAction = defineAction({ permission: "notifications.manage", schema: anyFields }, async (input, actor) => {
  const rule = await createRule(getDb(), actor, input);
  settingsChanged();
  return { id: rule.id, name: rule.name };
});

export const updateRuleAction = defineAction({ permission: "notifications.manage", schema: withId }, async ({ id, ...input }, actor) => {
  const rule = await updateRule(getDb(), actor, id, input);
  settingsChanged();
  return { id: rule.id, name: rule.name };
});

export const deleteRuleAction = defineAction({ permission: "notifications.manage", schema: z.object({ id: recordId }) }, async ({ id }, actor) => {
  const result = await deleteRule(getDb(), actor, id);
  settingsChanged();
  return result;
});

/** Answers with the signing secret when one was made: the form shows it once. */
export const createChannelAction = defineAction({ permission: "notifications.manage", schema: anyFields }, async (input, actor) => {
  const saved = await createChannel(getDb(), actor, input);
  settingsChanged();
  return { id: saved.channel.id, name: saved.channel.name, secret: saved.secret };
});

export const updateChannelAction = defineAction({ permission: "notifications.manage", schema: withId }, async ({ id, ...input }, actor) => {
  const saved = await updateChannel(getDb(), actor, id, input);
  settingsChanged();
  return { id: saved.channel.id, name: saved.channel.name, secret: saved.secret };
});

export const deleteChannelAction = defineAction({ permission: "notifications.manage", schema: z.object({ id: recordId }) }, async ({ id }, actor) => {
  const result = await deleteChannel(getDb(), actor, id);
  settingsChanged();
  return result;
});

export const testChannelAction = defineAction({ permission: "notifications.manage", schema: z.object({ id: recordId }) }, async ({ id }, actor) => {
  const result = await sendTestNotification(getDb(), actor, id);
  revalidatePath("/notifications/deliveries");
  return result;
});

export const saveOnCallAction = defineAction({ permission: "notifications.manage", schema: withFarm }, async ({ farmId, ...input }, actor) => {
  const saved = await replaceOnCall(getDb(), actor, farmId, input);
  settingsChanged();
  return { levels: saved.levels.length, escalationIntervalMinutes: saved.escalationIntervalMinutes };
});

export const retryDeliveryAction = defineAction({ permission: "notifications.manage", schema: z.object({ id: recordId }) }, async ({ id }, actor) => {
  const result = await retryDelivery(getDb(), actor, id);
  revalidatePath("/notifications/deliveries");
  return { id: result.id, status: result.status };
});
