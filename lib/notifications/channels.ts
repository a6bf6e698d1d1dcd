/**
 * Notification channels: a shared mailbox (the parlour's) or a webhook (JSON signed with
 * HMAC-SHA256, or a Slack / Teams incoming webhook). A webhook URL is itself a secret (whoever has a
 * Slack URL may post to the channel), so it is checked against SSRF targets, stored sealed and
 * never shown or returned again — lists show its host. A signing secret is made on request and
 * shown once, in the answer to the request that made it.
 */
import { randomBytes } from "node:crypto";
import type { NotificationChannel } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError, NotFoundError } from "../errors";
import { sealSecret } from "../security/secret-box";
import { assertManage, managesFarm, manageableFarm, parseInput, seesFarm } from "./notification-access";
import { channelCreateSchema, channelUpdateSchema } from "./notification-schemas";
import { queueNotification } from "./queue";
import { checkWebhookUrl, parseWebhookUrl } from "./safe-url";

export type ChannelView = {
  id: number;
  farmId: number | null;
  farmName: string | null;
  name: string;
  kind: "email" | "webhook";
  address: string | null;
  /** The webhook's host; the URL itself is never returned. */
  urlHost: string | null;
  format: "json" | "slack" | "teams";
  hasSecret: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

/** A channel as saved, and the signing secret when this request made one (never again). */
export type ChannelSaved = { channel: ChannelView; secret: string | null };

type Row = NotificationChannel & { farm: { name: string } | null };

export function channelView(row: Row): ChannelView {
  return {
    id: row.id,
    farmId: row.farmId,
    farmName: row.farm?.name ?? null,
    name: row.name,
    kind: row.kind,
    address: row.address,
    urlHost: row.urlHost,
    format: row.format,
    hasSecret: row.secretEncrypted !== null,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps: never the URL or the secret, only that they changed. */
function auditable(view: ChannelView) {
  return { name: view.name, kind: view.kind, farmId: view.farmId, address: view.address, urlHost: view.urlHost, format: view.format, hasSecret: view.hasSecret, enabled: view.enabled };
}

export function newSigningSecret() {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}

/** Shape first (no network), then DNS: both answer on the `url` field. */
async function checkedUrl(raw: string) {
  parseWebhookUrl(raw);
  const url = await checkWebhookUrl(raw);
  return { sealed: sealSecret(url.toString()), host: url.host };
}

const withFarm = { farm: { select: { name: true } } } as const;

/** The channels a farm may use (its own and the shared ones); without a farm every visible one. */
export async function listChannels(db: Db, actor: Actor, options: { farmId?: number | null } = {}): Promise<ChannelView[]> {
  assertManage(actor);
  const scope = farmScope(actor);
  const farmId = scope ?? options.farmId ?? null;
  if (options.farmId && scope !== null && options.farmId !== scope) throw new NotFoundError(`Farm ${options.farmId} not found.`);
  const rows = await db.notificationChannel.findMany({ where: farmId === null ? undefined : { OR: [{ farmId }, { farmId: null }] }, include: withFarm, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return rows.map(channelView);
}

async function findChannel(db: Pick<Db, "notificationChannel">, actor: Actor, id: number) {
  const row = await db.notificationChannel.findUnique({ where: { id }, include: withFarm });
  if (!row || !seesFarm(actor, row.farmId)) throw new NotFoundError(`Channel ${id} not found.`);
  return row;
}

export async function getChannel(db: Db, actor: Actor, id: number): Promise<ChannelView> {
  assertManage(actor);
  return channelView(await findChannel(db, actor, id));
}

function assertChanges(actor: Actor, row: { id: number; farmId: number | null }) {
  if (!managesFarm(actor, row.farmId)) {
    throw new InvalidError("This channel is shared by every farm; only someone of every farm (an admin) can change it.", { _: ["Shared channel"] });
  }
}

export async function createChannel(db: Db, actor: Actor, input: unknown): Promise<ChannelSaved> {
  assertManage(actor);
  const data = parseInput(channelCreateSchema, input);
  if (data.farmId === null && farmScope(actor) !== null) {
    throw new InvalidError("You manage one farm: pick it (a shared channel takes someone of every farm).", { farmId: ["Pick your farm"] });
  }
  if (data.farmId !== null) await manageableFarm(db, actor, data.farmId);
  const url = data.kind === "webhook" ? await checkedUrl(data.url!) : null;
  const secret = data.kind === "webhook" && data.generateSecret ? newSigningSecret() : null;
  return db.$transaction(async (tx) => {
    const row = await tx.notificationChannel.create({
      data: {
        farmId: data.farmId,
        name: data.name,
        kind: data.kind,
        address: data.kind === "email" ? data.address! : null,
        urlEncrypted: url?.sealed ?? null,
        urlHost: url?.host ?? null,
        format: data.kind === "webhook" ? data.format : "json",
        secretEncrypted: secret ? sealSecret(secret) : null,
        enabled: data.enabled,
      },
      include: withFarm,
    });
    const view = channelView(row);
    await recordAudit(tx, actor, { entityType: "notification_channel", entityId: String(row.id), action: "notification_channel.create", after: auditable(view) });
    return { channel: view, secret };
  });
}

export async function updateChannel(db: Db, actor: Actor, id: number, input: unknown): Promise<ChannelSaved> {
  assertManage(actor);
  const data = parseInput(channelUpdateSchema, input);
  const current = await findChannel(db, actor, id);
  assertChanges(actor, current);
  if (current.kind === "email" && (data.url || data.rotateSecret || data.removeSecret)) {
    throw new InvalidError("An e-mail channel has no URL or signing secret.", data.url ? { url: ["An e-mail channel has no URL"] } : { _: ["An e-mail channel has no signing secret"] });
  }
  if (current.kind === "webhook" && data.address) throw new InvalidError("A webhook channel has no e-mail address.", { address: ["A webhook channel has no e-mail address"] });
  const url = data.url ? await checkedUrl(data.url) : null;
  const secret = data.rotateSecret ? newSigningSecret() : null;
  return db.$transaction(async (tx) => {
    const row = await tx.notificationChannel.update({
      where: { id },
      data: {
        name: data.name,
        address: data.address,
        format: data.format,
        enabled: data.enabled,
        ...(url ? { urlEncrypted: url.sealed, urlHost: url.host } : {}),
        ...(secret ? { secretEncrypted: sealSecret(secret) } : data.removeSecret ? { secretEncrypted: null } : {}),
      },
      include: withFarm,
    });
    const view = channelView(row);
    await recordAudit(tx, actor, {
      entityType: "notification_channel",
      entityId: String(id),
      action: "notification_channel.update",
      before: auditable(channelView(current)),
      after: { ...auditable(view), ...(url ? { urlChanged: true } : {}), ...(secret ? { secretRotated: true } : {}) },
    });
    return { channel: view, secret };
  });
}

/** Removes the channel from the farm's rules and on-call list too (the list's rows cascade). */
export async function deleteChannel(db: Db, actor: Actor, id: number): Promise<{ id: number; deleted: true }> {
  assertManage(actor);
  const current = await findChannel(db, actor, id);
  assertChanges(actor, current);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`UPDATE notification_rules SET channel_ids = array_remove(channel_ids, ${id}), updated_at = now() WHERE ${id} = ANY(channel_ids)`;
    await tx.notificationChannel.delete({ where: { id } });
    await recordAudit(tx, actor, { entityType: "notification_channel", entityId: String(id), action: "notification_channel.delete", before: auditable(channelView(current)) });
  });
  return { id, deleted: true };
}

/** "Send test": one queued notification to the channel; the delivery log shows how it went. */
export async function sendTestNotification(db: Db, actor: Actor, id: number): Promise<{ queued: true; notificationKey: string }> {
  assertManage(actor);
  const channel = await findChannel(db, actor, id);
  if (!channel.enabled) throw new InvalidError("This channel is disabled: enable it first, then send a test.", { enabled: ["Disabled"] });
  const at = new Date();
  const dedupeKey = `test:channel:${id}:${at.getTime()}`;
  await db.$transaction(async (tx) => {
    await queueNotification(tx, {
      dedupeKey,
      kind: channel.kind === "email" ? "email" : "webhook",
      channelId: id,
      farmId: channel.farmId,
      subject: `Test from Smart Dairy: ${channel.name}`,
      body: `This is a test notification for the channel "${channel.name}", sent by ${actor.name}. If you read this, alerts will reach this channel.`,
      payload: { test: true, channel: { id, name: channel.name }, requestedBy: actor.label, at: at.toISOString() },
    });
    await recordAudit(tx, actor, { entityType: "notification_channel", entityId: String(id), action: "notification_channel.test", farmId: channel.farmId });
  });
  return { queued: true, notificationKey: dedupeKey };
}
