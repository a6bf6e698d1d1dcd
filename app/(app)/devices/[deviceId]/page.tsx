import type { Metadata } from "next";
import { DeviceCalibrationSection } from "@/components/calibration/device-calibration-section";
import { DeviceHealthCharts } from "@/components/charts/device-health-charts";
import { debugActive } from "@/components/commands/debug-badge";
import { DeviceCommandsSection } from "@/components/commands/device-commands-section";
import { LogBundleList } from "@/components/commands/log-bundle-list";
import { DeviceActionBar } from "@/components/devices/device-action-bar";
import { DeviceFieldGroups } from "@/components/devices/device-field-groups";
import { DeviceHistory } from "@/components/devices/device-history";
import { DeviceAlertsSection, type DeviceAlertRecord } from "@/components/devices/device-records";
import { DeviceSectionTabs } from "@/components/devices/device-section-tabs";
import { chosenDeviceSection } from "@/components/devices/device-sections";
import { DeviceStatusBar } from "@/components/devices/device-status-bar";
import { DeviceSummary, type OpenAlert } from "@/components/devices/device-summary";
import { DeviceConfigurationSection } from "@/components/configuration/device-configuration-section";
import { DeviceMaintenanceSection } from "@/components/maintenance/device-maintenance-section";
import { DeviceCostsCard } from "@/components/costs/device-costs-card";
import { DeviceFirmwareUpdates } from "@/components/ota/device-firmware-updates";
import { DeviceWarrantySection } from "@/components/warranty/device-warranty-section";
import { DeviceAssetSection } from "@/components/inventory/device-asset-section";
import { OPEN_ALERT_STATES } from "@/lib/alerts/alert-fields";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { deviceCommands } from "@/lib/commands/command-queries";
import { getDeviceConfiguration, listVersions } from "@/lib/configuration/device-config";
import { listLogBundles } from "@/lib/commands/log-bundles";
import { getDb, type Db } from "@/lib/db";
import { readPreferences } from "@/lib/list-views/list-preferences";
import { deviceHistory } from "@/lib/devices/device-history";
import { healthReasons } from "@/lib/health/health-reasons";
import { deviceHealthThresholds } from "@/lib/health/threshold-book";
import { deviceUpdateHistory } from "@/lib/ota/update-job-views";
import { loadDevice } from "./load-device";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ deviceId: string }>; searchParams: Promise<{ saved?: string; tab?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).deviceId) };
}


const RECENT = 10;
const HISTORY_LIMIT = 50;

const ALERT_SELECT = { id: true, alertType: true, severity: true, state: true, message: true, occurrenceCount: true, lastOccurrence: true } as const;
/** Open alerts on the first screen: a few, the count says how many. */
const OPEN_SHOWN = 3;

/** The device's recent alerts (the Health history tab) and its newest open ones (the first screen). */
async function deviceAlerts(db: Db, id: number): Promise<{ recent: DeviceAlertRecord[]; open: OpenAlert[] }> {
  const orderBy = [{ lastOccurrence: "desc" as const }, { id: "desc" as const }];
  const [recent, open] = await Promise.all([
    db.alert.findMany({ where: { deviceId: id }, orderBy, take: RECENT, select: ALERT_SELECT }),
    db.alert.findMany({ where: { deviceId: id, state: { in: [...OPEN_ALERT_STATES] } }, orderBy, take: OPEN_SHOWN, select: ALERT_SELECT }),
  ]);
  return { recent, open };
}

/** The history records e-mails; the page names the people it knows. */
async function peopleByEmail(db: Db, emails: string[]) {
  const users = emails.length ? await db.user.findMany({ where: { email: { in: [...new Set(emails)] } }, select: { email: true, name: true } }) : [];
  return new Map(users.map((user) => [user.email, user.name]));
}

export default async function DevicePage({ params, searchParams }: Props) {
  const actor = await requirePageActor("devices.read");
  const db = getDb();
  const device = await loadDevice(db, actor, (await params).deviceId);
  const [alerts, limits, history, updates, commands, logBundles, configuration, configVersions] = await Promise.all([
    deviceAlerts(db, device.id),
    deviceHealthThresholds(db, device.id),
    deviceHistory(db, device.deviceId, HISTORY_LIMIT),
    deviceUpdateHistory(db, actor, device.deviceId),
    deviceCommands(db, actor, device.deviceId, RECENT),
    listLogBundles(db, actor, device.deviceId, RECENT),
    getDeviceConfiguration(db, actor, device.id),
    listVersions(db, actor, device.id, { pageSize: 20 }),
  ]);
  const people = await peopleByEmail(db, history.map((entry) => entry.who));
  const now = new Date();
  const retired = device.state === "decommissioned";
  const query = await searchParams;
  const saved = query.saved === "1";
  const section = chosenDeviceSection(query.tab, (await readPreferences(db, actor)).deviceSection);
  const allowed = {
    edit: !retired && can(actor.role, "devices.write"),
    maintenance: !retired && can(actor.role, "maintenance.write"),
    retire: !retired && can(actor.role, "devices.write"),
    credentials: !retired && can(actor.role, "devices.provision"),
    commands: !retired && can(actor.role, "devices.command"),
    configuration: !retired && can(actor.role, "config.write"),
  };
  const hasBar = allowed.edit || allowed.maintenance || allowed.retire || allowed.credentials || allowed.commands;
  const credential = device.credentials.find((row) => row.revokedAt === null) ?? device.credentials[0];
  const zone = device.farm.timezone;

  return (
    // On a phone the action bar is fixed at the bottom: the page keeps its height free so it covers nothing.
    <div className={`space-y-4 ${hasBar ? "pb-[calc(5rem+env(safe-area-inset-bottom))] sm:pb-0" : ""}`}>
      <DeviceSummary device={device} reasons={healthReasons(device, now, limits)} openAlerts={alerts.open} now={now} />
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Changes saved. They are listed in the History tab.
        </p>
      ) : null}
      {hasBar ? (
        <DeviceActionBar
          deviceId={device.deviceId}
          deviceType={device.deviceType}
          role={actor.role}
          timeZone={zone}
          debug={allowed.commands && debugActive(device) ? { level: device.debugLevel!, until: device.debugUntil?.toISOString() ?? null } : null}
          maintenanceMode={device.maintenanceMode}
          allowed={allowed}
          device={{ name: device.name, deviceType: device.deviceType }}
          credential={credential ? { username: credential.username, revoked: credential.revokedAt !== null } : null}
        />
      ) : null}
      <DeviceSectionTabs
        initial={section}
        counts={{ updates: device.counts.updates, commands: device.counts.commands, maintenance: device.counts.maintenances }}
        panels={{
          details: (
            <>
              <div className="sm:hidden">
                <DeviceStatusBar state={device.state} />
              </div>
              <DeviceFieldGroups device={device} now={now} />
              <DeviceWarrantySection deviceId={device.deviceId} actor={actor} />
              <DeviceAssetSection actor={actor} device={device} />
              <DeviceCostsCard actor={actor} deviceId={device.id} />
            </>
          ),
          health: (
            <>
              <DeviceHealthCharts device={device} />
              <DeviceAlertsSection alerts={alerts.recent} activeAlerts={device.counts.activeAlerts} timeZone={zone} />
            </>
          ),
          // What the device is told to run: its firmware and its configuration.
          updates: (
            <>
              <DeviceFirmwareUpdates deviceId={device.deviceId} currentVersion={device.firmwareVersion} history={updates} total={device.counts.updates} canSchedule={can(actor.role, "ota.schedule")} retired={retired} timeZone={zone} />
              <DeviceConfigurationSection
                view={configuration}
                versions={configVersions}
                canEdit={allowed.configuration}
                canManageLayers={can(actor.role, "config.manage")}
                timeZone={zone}
                farmId={device.farmId}
                groupId={device.groupId}
                groupName={device.group?.name ?? null}
              />
            </>
          ),
          commands: (
            <DeviceCommandsSection
              device={device}
              commands={commands}
              total={device.counts.commands}
              timeZone={zone}
              canSend={allowed.commands}
              logs={<LogBundleList bundles={logBundles} deviceId={device.deviceId} timeZone={zone} />}
            />
          ),
          maintenance: (
            <>
              <DeviceMaintenanceSection actor={actor} device={device} />
              <DeviceCalibrationSection deviceId={device.deviceId} actor={actor} timeZone={zone} retired={retired} />
            </>
          ),
          history: <DeviceHistory entries={history} timeZone={zone} people={people} limit={HISTORY_LIMIT} />,
        }}
      />
    </div>
  );
}
