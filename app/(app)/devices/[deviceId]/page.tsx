import type { Metadata } from "next";
import { DeviceCalibrationSection } from "@/components/calibration/device-calibration-section";
import { DeviceHealthCharts } from "@/components/charts/device-health-charts";
import { debugActive } from "@/components/commands/debug-badge";
import { DeviceCommandsSection } from "@/components/commands/device-commands-section";
import { DeviceTroubleshooting } from "@/components/commands/device-troubleshooting";
import { LogBundleList } from "@/components/commands/log-bundle-list";
import { DeviceActions } from "@/components/devices/device-actions";
import { DeviceFieldGroups } from "@/components/devices/device-field-groups";
import { DeviceHeader } from "@/components/devices/device-header";
import { DeviceHistory } from "@/components/devices/device-history";
import { DeviceRecordSections, type DeviceRecords } from "@/components/devices/device-records";
import { DeviceSmartButtons } from "@/components/devices/device-smart-buttons";
import { DeviceStatusBar } from "@/components/devices/device-status-bar";
import { DeviceConfigurationSection } from "@/components/configuration/device-configuration-section";
import { DeviceMaintenanceSection } from "@/components/maintenance/device-maintenance-section";
import { DeviceCostsCard } from "@/components/costs/device-costs-card";
import { DeviceFirmwareUpdates } from "@/components/ota/device-firmware-updates";
import { DeviceWarrantySection } from "@/components/warranty/device-warranty-section";
import { DeviceAssetSection } from "@/components/inventory/device-asset-section";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { deviceCommands } from "@/lib/commands/command-queries";
import { getDeviceConfiguration, listVersions } from "@/lib/configuration/device-config";
import { listLogBundles } from "@/lib/commands/log-bundles";
import { getDb, type Db } from "@/lib/db";
import { deviceHistory } from "@/lib/devices/device-history";
import { deviceUpdateHistory } from "@/lib/ota/update-job-views";
import { loadDevice } from "./load-device";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ deviceId: string }>; searchParams: Promise<{ saved?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).deviceId) };
}


const RECENT = 10;
const HISTORY_LIMIT = 50;

/** The latest records behind the smart buttons (their own areas come later). */
async function recentRecords(db: Db, id: number): Promise<DeviceRecords> {
  const [alerts, updates] = await Promise.all([
    db.alert.findMany({
      where: { deviceId: id },
      orderBy: [{ lastOccurrence: "desc" }, { id: "desc" }],
      take: RECENT,
      select: { id: true, alertType: true, severity: true, state: true, message: true, occurrenceCount: true, lastOccurrence: true },
    }),
    db.updateLog.findMany({
      where: { deviceId: id },
      orderBy: [{ timestamp: "desc" }, { id: "desc" }],
      take: RECENT,
      select: { id: true, previousVersion: true, targetVersion: true, state: true, progress: true, timestamp: true, finishedAt: true, errorMessage: true },
    }),
  ]);
  return { alerts, updates };
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
  const [records, history, updates, commands, logBundles, configuration, configVersions] = await Promise.all([
    recentRecords(db, device.id),
    deviceHistory(db, device.deviceId, HISTORY_LIMIT),
    deviceUpdateHistory(db, actor, device.deviceId),
    deviceCommands(db, actor, device.deviceId, RECENT),
    listLogBundles(db, actor, device.deviceId, RECENT),
    getDeviceConfiguration(db, actor, device.id),
    listVersions(db, actor, device.id, { pageSize: 20 }),
  ]);
  const people = await peopleByEmail(db, history.map((entry) => entry.who));
  const retired = device.state === "decommissioned";
  const saved = (await searchParams).saved === "1";
  const allowed = {
    edit: !retired && can(actor.role, "devices.write"),
    maintenance: !retired && can(actor.role, "maintenance.write"),
    retire: !retired && can(actor.role, "devices.write"),
    credentials: !retired && can(actor.role, "devices.provision"),
    commands: !retired && can(actor.role, "devices.command"),
    configuration: !retired && can(actor.role, "config.write"),
  };
  const credential = device.credentials.find((row) => row.revokedAt === null) ?? device.credentials[0];

  return (
    <div className="space-y-5">
      <DeviceHeader
        device={device}
        actions={
          <DeviceActions
            deviceId={device.deviceId}
            maintenanceMode={device.maintenanceMode}
            allowed={allowed}
            device={{ name: device.name, deviceType: device.deviceType }}
            credential={credential ? { username: credential.username, revoked: credential.revokedAt !== null } : null}
          />
        }
      />
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Changes saved. They are listed in the change history below.
        </p>
      ) : null}
      {/* On a phone the troubleshooting buttons come first, before the long field groups. */}
      {allowed.commands ? (
        <DeviceTroubleshooting
          deviceId={device.deviceId}
          deviceType={device.deviceType}
          role={actor.role}
          timeZone={device.farm.timezone}
          debug={debugActive(device) ? { level: device.debugLevel!, until: device.debugUntil?.toISOString() ?? null } : null}
        />
      ) : null}
      <DeviceStatusBar state={device.state} />
      <DeviceSmartButtons counts={device.counts} deviceId={device.deviceId} />
      <DeviceFieldGroups device={device} now={new Date()} />
      <DeviceHealthCharts device={device} />
      <DeviceRecordSections
        records={records}
        counts={device.counts}
        timeZone={device.farm.timezone}
        maintenance={<DeviceMaintenanceSection actor={actor} device={device} />}
        commands={
          <DeviceCommandsSection
            device={device}
            commands={commands}
            total={device.counts.commands}
            timeZone={device.farm.timezone}
            canSend={allowed.commands}
            logs={<LogBundleList bundles={logBundles} deviceId={device.deviceId} timeZone={device.farm.timezone} />}
          />
        }
        updates={<DeviceFirmwareUpdates deviceId={device.deviceId} currentVersion={device.firmwareVersion} history={updates} total={device.counts.updates} canSchedule={can(actor.role, "ota.schedule")} retired={retired} timeZone={device.farm.timezone} />}
      />
      <DeviceCalibrationSection deviceId={device.deviceId} actor={actor} timeZone={device.farm.timezone} retired={retired} />
      <DeviceWarrantySection deviceId={device.deviceId} actor={actor} />
      <DeviceConfigurationSection
        view={configuration}
        versions={configVersions}
        canEdit={allowed.configuration}
        canManageLayers={can(actor.role, "config.manage")}
        timeZone={device.farm.timezone}
        farmId={device.farmId}
        groupId={device.groupId}
        groupName={device.group?.name ?? null}
      />
      <DeviceAssetSection actor={actor} device={device} />
      <DeviceCostsCard actor={actor} deviceId={device.id} />
      <DeviceHistory entries={history} timeZone={device.farm.timezone} people={people} limit={HISTORY_LIMIT} />
    </div>
  );
}
