import type { Metadata } from "next";
import Link from "next/link";
import { deleteChannelAction, deleteRuleAction, testChannelAction } from "@/app/(app)/notifications/actions";
import { ActionButton } from "@/components/notifications/action-button";
import { EditChannelForm, NewChannelForm } from "@/components/notifications/channel-forms";
import { OnCallForm } from "@/components/notifications/on-call-form";
import { EMPTY_RULE, RuleForm } from "@/components/notifications/rule-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ALERT_SEVERITY_LABEL, ALERT_TYPE_LABEL, type AlertTypeName } from "@/lib/alerts/alert-fields";
import { farmScope, ROLE_LABEL } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { listChannels } from "@/lib/notifications/channels";
import { farmPeople } from "@/lib/notifications/notification-access";
import { WEBHOOK_FORMAT_LABEL } from "@/lib/notifications/notification-schemas";
import { getOnCall } from "@/lib/notifications/on-call";
import { listRules } from "@/lib/notifications/rules";

export const metadata: Metadata = { title: "Notification settings" };
export const dynamic = "force-dynamic";

const SECTIONS = [
  { id: "rules", label: "Rules" },
  { id: "on-call", label: "On-call & escalation" },
  { id: "channels", label: "Channels" },
];

function Pill({ children, tone = "neutral" }: { children: React.ReactNode; tone?: "neutral" | "good" | "off" | "bad" }) {
  const tones = { neutral: "bg-stone-100 text-stone-700", good: "bg-green-100 text-green-800", off: "bg-stone-200 text-stone-600", bad: "bg-red-100 text-red-800" };
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

/** A farm's notification rules, on-call list and escalation timing, and channels (managers and admins). */
export default async function NotificationSettingsPage({ searchParams }: { searchParams: Promise<{ farm?: string }> }) {
  const actor = await requirePageActor("notifications.manage");
  const farms = await visibleFarms(actor);
  const asked = Number((await searchParams).farm);
  const farmId = farms.some((farm) => farm.id === asked) ? asked : ((await selectedFarmId(actor)) ?? (farms.length === 1 ? farms[0]!.id : null));
  const farm = farms.find((item) => item.id === farmId);

  if (!farm) {
    return (
      <>
        <PageHeader title="Notification settings" description="Rules, on-call list and channels are kept per farm. Pick the farm to set up." />
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {farms.map((item) => (
            <li key={item.id}>
              <Link href={`/notifications/settings?farm=${item.id}`} className="block rounded-xl border border-stone-200 bg-white p-4 shadow-sm hover:border-brand-600">
                <span className="font-medium text-stone-900">{item.name}</span>
                <span className="block text-sm text-stone-500">{item.code}</span>
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }

  const db = getDb();
  const [rules, channels, onCall, people, groups] = await Promise.all([
    listRules(db, actor, { farmId: farm.id }),
    listChannels(db, actor, { farmId: farm.id }),
    getOnCall(db, actor, farm.id),
    farmPeople(db, farm.id),
    db.deviceGroup.findMany({ where: { farmId: farm.id }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  const personOptions = people.map((person) => ({ id: person.id, label: person.name, hint: ROLE_LABEL[person.role] }));
  const channelOptions = channels.map((channel) => ({ id: channel.id, label: channel.name, hint: `${channel.kind === "email" ? "e-mail" : "webhook"}${channel.farmId === null ? ", shared" : ""}${channel.enabled ? "" : ", disabled"}` }));
  const groupOptions = groups.map((group) => ({ id: group.id, label: group.name }));
  const canShare = farmScope(actor) === null;

  return (
    <>
      <PageHeader
        title={`Notification settings · ${farm.name}`}
        description={`Who hears about which alerts, and how. Times are ${farm.name}'s (${farm.timezone}).`}
        actions={
          <>
            {farms.length > 1 ? (
              <form method="get" className="flex items-center gap-2">
                <label htmlFor="settings-farm" className="sr-only">
                  Farm
                </label>
                <select id="settings-farm" name="farm" defaultValue={farm.id} className="rounded-md border border-stone-300 bg-white px-2 py-2 text-sm">
                  {farms.map((item) => (
                    <option key={item.id} value={item.id}>
                      {item.name}
                    </option>
                  ))}
                </select>
                <button type="submit" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
                  Show
                </button>
              </form>
            ) : null}
            <Link href="/notifications/deliveries" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Delivery log
            </Link>
          </>
        }
      />
      <nav aria-label="Sections" className="mb-4 flex flex-wrap gap-2 text-sm">
        {SECTIONS.map((section) => (
          <a key={section.id} href={`#${section.id}`} className="rounded-full border border-stone-300 bg-white px-3 py-1 font-medium text-stone-700 hover:bg-stone-50">
            {section.label}
          </a>
        ))}
      </nav>

      <section id="rules" aria-labelledby="rules-title" className="mb-8 scroll-mt-20 space-y-3">
        <h2 id="rules-title" className="text-lg font-semibold text-stone-900">
          Rules
        </h2>
        {rules.length === 0 ? <EmptyState title="No rules yet">Without a rule, alerts are only seen on the dashboard. Add one below.</EmptyState> : null}
        <ul className="space-y-3">
          {rules.map((rule) => (
            <li key={rule.id} data-testid="rule-card">
              <Card>
                <div className="flex flex-wrap items-start gap-2">
                  <div className="min-w-0 flex-1">
                    <p className="font-medium text-stone-900">{rule.name}</p>
                    <p className="mt-0.5 text-sm text-stone-600">
                      {ALERT_SEVERITY_LABEL[rule.minSeverity]} and up · {rule.alertTypes.length ? rule.alertTypes.map((type) => ALERT_TYPE_LABEL[type as AlertTypeName] ?? type).join(", ") : "every alert type"} · {rule.groupName ?? "whole farm"}
                    </p>
                    <p className="mt-1 text-sm text-stone-600">
                      To: {[...rule.people.map((person) => person.name), ...rule.channels.map((channel) => `${channel.name}${channel.enabled ? "" : " (disabled)"}`)].join(", ") || "nobody"}
                    </p>
                  </div>
                  <div className="flex flex-wrap gap-1">
                    {rule.enabled ? <Pill tone="good">Enabled</Pill> : <Pill tone="off">Off</Pill>}
                    {rule.quietStart ? (
                      <Pill>
                        Quiet {rule.quietStart}–{rule.quietEnd}
                      </Pill>
                    ) : null}
                    {rule.digest ? <Pill>Daily digest</Pill> : null}
                  </div>
                </div>
                <details className="mt-3 border-t border-stone-100 pt-2">
                  <summary className="cursor-pointer text-sm font-medium text-brand-700">Edit</summary>
                  <div className="mt-3">
                    <RuleForm farmId={farm.id} values={rule} people={personOptions} channels={channelOptions} groups={groupOptions} />
                  </div>
                  <div className="mt-3 border-t border-stone-100 pt-3">
                    <ActionButton action={deleteRuleAction} id={rule.id} label="Delete rule" busyLabel="Deleting…" confirm={`Delete the rule “${rule.name}”?`} tone="danger" done="Deleted." />
                  </div>
                </details>
              </Card>
            </li>
          ))}
        </ul>
        <Card title="New rule">
          <RuleForm farmId={farm.id} values={EMPTY_RULE} people={personOptions} channels={channelOptions} groups={groupOptions} />
        </Card>
      </section>

      <section id="on-call" aria-labelledby="on-call-title" className="mb-8 scroll-mt-20 space-y-3">
        <h2 id="on-call-title" className="text-lg font-semibold text-stone-900">
          On-call &amp; escalation
        </h2>
        <p className="text-sm text-stone-600">
          A critical alert nobody acknowledges within {onCall.escalationIntervalMinutes} min goes to level 1, then to the next level every {onCall.escalationIntervalMinutes} min until the last. Acknowledging it stops the escalation.
        </p>
        <Card>
          <OnCallForm
            farmId={farm.id}
            levels={onCall.levels.map((level) => ({ userIds: level.userIds, channelIds: level.channelIds }))}
            escalationIntervalMinutes={onCall.escalationIntervalMinutes}
            debounceMinutes={onCall.debounceMinutes}
            people={personOptions.map(({ id, label }) => ({ id, label }))}
            channels={channelOptions.map(({ id, label }) => ({ id, label }))}
          />
        </Card>
      </section>

      <section id="channels" aria-labelledby="channels-title" className="mb-8 scroll-mt-20 space-y-3">
        <h2 id="channels-title" className="text-lg font-semibold text-stone-900">
          Channels
        </h2>
        <p className="text-sm text-stone-600">Shared mailboxes and chat webhooks that rules and the on-call list can send to. People are reached through their own e-mail and the app.</p>
        {channels.length === 0 ? <EmptyState title="No channels yet">Add the parlour&apos;s mailbox or the farm&apos;s Slack or Teams webhook below.</EmptyState> : null}
        <ul className="grid gap-3 lg:grid-cols-2">
          {channels.map((channel) => {
            const mine = channel.farmId !== null || canShare;
            return (
              <li key={channel.id} data-testid="channel-card">
                <Card>
                  <div className="flex flex-wrap items-start gap-2">
                    <div className="min-w-0 flex-1">
                      <p className="font-medium text-stone-900">{channel.name}</p>
                      <p className="truncate text-sm text-stone-600">{channel.kind === "email" ? channel.address : `${WEBHOOK_FORMAT_LABEL[channel.format]} · ${channel.urlHost}`}</p>
                    </div>
                    <div className="flex flex-wrap gap-1">
                      {channel.enabled ? <Pill tone="good">Enabled</Pill> : <Pill tone="off">Disabled</Pill>}
                      {channel.farmId === null ? <Pill>Shared</Pill> : null}
                      {channel.hasSecret ? <Pill>Signed</Pill> : null}
                    </div>
                  </div>
                  <div className="mt-3 flex flex-wrap gap-2">
                    {channel.enabled ? <ActionButton action={testChannelAction} id={channel.id} label="Send test" busyLabel="Queueing…" done="Test queued — see the delivery log." /> : null}
                    {mine ? <ActionButton action={deleteChannelAction} id={channel.id} label="Delete" busyLabel="Deleting…" confirm={`Delete “${channel.name}”? It leaves every rule and the on-call list.`} tone="danger" done="Deleted." /> : null}
                  </div>
                  {mine ? (
                    <details className="mt-3 border-t border-stone-100 pt-2">
                      <summary className="cursor-pointer text-sm font-medium text-brand-700">Edit</summary>
                      <div className="mt-3">
                        <EditChannelForm channel={channel} />
                      </div>
                    </details>
                  ) : (
                    <p className="mt-2 text-xs text-stone-500">Shared by every farm: an admin changes it.</p>
                  )}
                </Card>
              </li>
            );
          })}
        </ul>
        <Card title="New channel">
          <NewChannelForm farmId={farm.id} farmName={farm.name} canShare={canShare} />
        </Card>
      </section>
    </>
  );
}
