import Link from "next/link";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { TagChip } from "@/components/ui/tag-chip";
import { timeAgo } from "@/components/ui/time-ago";
import { effectiveHealthCheckInterval } from "@/lib/health/device-health";
import type { DeviceDetail } from "@/lib/devices/device-detail";
import {
  CALIBRATION_LABEL,
  CONNECTION_TYPE_LABEL,
  FIRMWARE_UPDATE_STATUS_LABEL,
  POWER_SOURCE_LABEL,
  PROVISIONING_METHOD_LABEL,
} from "@/lib/devices/device-fields";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { Field, FieldCard } from "./device-field-list";
import { formatBytes, formatDate, formatDateTime, formatDuration, formatNumber, humanize, Mono, yesNo } from "./device-values";

const SIGNAL_QUALITY_LABEL = { excellent: "Excellent", good: "Good", fair: "Fair", poor: "Poor", none: "No signal" } as const;

/** Every field group of M92 task 1.1 (plus I-013's location), as compact cards; purchase, cost and warranty are in the Warranty and Asset record sections below. */
export function DeviceFieldGroups({ device, now }: { device: DeviceDetail; now: Date }) {
  const zone = device.farm.timezone;
  const at = (date: Date | null) => formatDateTime(date, zone);
  return (
    // Columns rather than a grid: the cards differ in length, and a grid row would stretch the
    // short ones into empty boxes.
    <div className="gap-4 md:columns-2 xl:columns-3 [&>section]:mb-4 [&>section]:break-inside-avoid">
      <FieldCard title="Identity & hardware">
        <Field label="Device ID">
          <Mono>{device.deviceId}</Mono>
        </Field>
        <Field label="Name">{device.name}</Field>
        <Field label="Type">{DEVICE_TYPE_LABEL[device.deviceType]}</Field>
        <Field label="Farm">
          {device.farm.name} <span className="text-stone-500">({device.farm.code})</span>
        </Field>
        <Field label="Manufacturer">{device.manufacturer}</Field>
        <Field label="Model">{device.model}</Field>
        <Field label="Serial number">{device.serialNumber ? <Mono>{device.serialNumber}</Mono> : null}</Field>
        <Field label="MAC address">{device.macAddress ? <Mono>{device.macAddress}</Mono> : null}</Field>
        <Field label="Hardware version">{device.hardwareVersion}</Field>
        <Field label="Registered">{at(device.createdAt)}</Field>
      </FieldCard>

      <FieldCard title="Firmware & update status">
        <Field label="Current firmware">
          {device.firmwareVersion ? (
            <>
              <Mono>{device.firmwareVersion}</Mono>
              {device.firmware ? <span className="block text-xs text-stone-500">{device.firmware.name} · {humanize(device.firmware.state)}</span> : null}
            </>
          ) : null}
        </Field>
        <Field label="Target firmware">{device.targetFirmware ? <Mono>{device.targetFirmware.version}</Mono> : null}</Field>
        <Field label="Update status">
          <span className={device.firmwareUpdateStatus === "failed" ? "font-medium text-red-700" : undefined}>{FIRMWARE_UPDATE_STATUS_LABEL[device.firmwareUpdateStatus]}</span>
        </Field>
        <Field label="Update scheduled at">{device.firmwareUpdateScheduled ? at(device.firmwareUpdateScheduled) : null}</Field>
        <Field label="Update completed at">{device.firmwareUpdateCompleted ? at(device.firmwareUpdateCompleted) : null}</Field>
        <Field label="Update error">{device.firmwareUpdateError ? <span className="text-red-700">{device.firmwareUpdateError}</span> : null}</Field>
      </FieldCard>

      <FieldCard title="Group & tags">
        <Field label="Group">
          {device.group ? (
            <Link href={`/devices?group=${device.group.id}`} className="text-brand-700 hover:underline">
              {device.group.name}
            </Link>
          ) : null}
        </Field>
        <Field label="Tags">
          {device.tags.length ? (
            <span className="flex flex-wrap gap-1">
              {device.tags.map((tag) => (
                <Link key={tag.id} href={`/devices?tag=${tag.id}`} className="rounded-full hover:opacity-80" aria-label={`Devices tagged ${tag.name}`}>
                  <TagChip name={tag.name} color={tag.color} />
                </Link>
              ))}
            </span>
          ) : null}
        </Field>
      </FieldCard>

      <FieldCard title="Health">
        <Field label="Health status">
          <HealthBadge status={device.healthStatus} />
        </Field>
        {/* M92 deducts nothing for a device never heard from: a score of 100 there would mislead. */}
        <Field label="Health score">{device.healthStatus === "unknown" ? null : <span className="tabular-nums">{Math.round(device.healthScore)} / 100</span>}</Field>
        <Field label="Needs attention">
          <span className={device.needsAttention ? "font-medium text-amber-800" : undefined}>{yesNo(device.needsAttention)}</span>
        </Field>
        <Field label="Health last changed">{device.lastHealthCheck ? at(device.lastHealthCheck) : null}</Field>
        <Field label="Health check interval">
          {device.healthCheckInterval !== null
            ? formatNumber(device.healthCheckInterval, "s")
            : `${formatNumber(effectiveHealthCheckInterval(null, device.group?.healthCheckInterval), "s")} (${device.group ? "the group's" : "default"})`}
        </Field>
        <Field label="Errors reported">{formatNumber(device.errorCount)}</Field>
        <Field label="Calibration">
          <span className={device.calibrationStatus === "due" || device.calibrationStatus === "overdue" ? "font-medium text-amber-800" : undefined}>{CALIBRATION_LABEL[device.calibrationStatus]}</span>
        </Field>
        <Field label="Last calibration">{device.lastCalibration ? formatDate(device.lastCalibration) : null}</Field>
      </FieldCard>

      <FieldCard title="Battery & power">
        <Field label="Battery level">
          {device.batteryLevel === null ? null : (
            <span className={device.batteryLevel < device.lowBatteryThreshold ? "font-medium text-red-700" : undefined}>{formatNumber(device.batteryLevel, "%", 1)}</span>
          )}
        </Field>
        <Field label="Battery voltage">{device.batteryVoltage === null ? null : formatNumber(device.batteryVoltage, "V", 3)}</Field>
        <Field label="Power source">{POWER_SOURCE_LABEL[device.powerSource]}</Field>
        <Field label="Low battery threshold">{formatNumber(device.lowBatteryThreshold, "%", 1)}</Field>
      </FieldCard>

      <FieldCard title="Signal & connectivity">
        <Field label="Signal strength">{device.signalStrength === null ? null : formatNumber(device.signalStrength, "dBm")}</Field>
        <Field label="Signal quality">{SIGNAL_QUALITY_LABEL[device.signalQuality]}</Field>
        <Field label="Connection type">{device.connectionType ? CONNECTION_TYPE_LABEL[device.connectionType] : null}</Field>
        <Field label="WiFi SSID">{device.ssid}</Field>
        <Field label="Connection status">
          <ConnectionBadge status={device.connectionStatus} />
        </Field>
        <Field label="Last seen">
          {device.lastSeen ? (
            <>
              {at(device.lastSeen)} <span className="text-xs text-stone-500">({timeAgo(device.lastSeen, now)})</span>
            </>
          ) : (
            "Never"
          )}
        </Field>
      </FieldCard>

      <ProvisioningCard device={device} />
      <DiagnosticsCard device={device} />

      <FieldCard title="Statistics">
        <Field label="Uptime">{formatDuration(device.uptimeSeconds)}</Field>
        <Field label="Total uptime">{formatDuration(device.totalUptimeSeconds)}</Field>
        <Field label="Restarts">{formatNumber(device.restartCount)}</Field>
        <Field label="Last restart">{device.lastRestart ? at(device.lastRestart) : null}</Field>
        <Field label="Data transmitted">{formatBytes(device.dataTransmittedBytes)}</Field>
      </FieldCard>

      <FieldCard title="Maintenance" id="maintenance-fields">
        <Field label="Maintenance mode">
          <span className={device.maintenanceMode ? "font-medium text-sky-800" : undefined}>{device.maintenanceMode ? "On" : "Off"}</span>
        </Field>
        <Field label="Notes">{device.maintenanceNotes ? <span className="whitespace-pre-line">{device.maintenanceNotes}</span> : null}</Field>
        <Field label="Next maintenance">{device.nextMaintenanceDate ? formatDate(device.nextMaintenanceDate) : null}</Field>
      </FieldCard>

      <FieldCard title="Location">
        <Field label="Location">{device.locationDescription}</Field>
        <Field label="Latitude, longitude">
          {device.latitude !== null && device.longitude !== null ? <Mono>{`${device.latitude.toFixed(5)}, ${device.longitude.toFixed(5)}`}</Mono> : null}
        </Field>
        <Field label="Location updated">{device.locationUpdatedAt ? at(device.locationUpdatedAt) : null}</Field>
      </FieldCard>
    </div>
  );
}

/** M92 provisioning fields; the MQTT password and provisioning token are never shown (stored hashed). */
function ProvisioningCard({ device }: { device: DeviceDetail }) {
  const credential = device.credentials.find((row) => row.revokedAt === null) ?? device.credentials[0];
  return (
    <FieldCard title="Provisioning">
      <Field label="Provisioned at">{device.provisioningDate ? formatDateTime(device.provisioningDate, device.farm.timezone) : null}</Field>
      <Field label="Provisioned by">{device.provisionedBy?.name}</Field>
      <Field label="Method">{device.provisioningMethod ? PROVISIONING_METHOD_LABEL[device.provisioningMethod] : null}</Field>
      <Field label="MQTT username">{credential ? <Mono>{credential.username}</Mono> : null}</Field>
      <Field label="MQTT client id">{credential ? <Mono>{credential.clientId}</Mono> : null}</Field>
      <Field label="Credentials">
        {credential ? (
          credential.revokedAt ? (
            <span className="text-red-700">Revoked {formatDateTime(credential.revokedAt, device.farm.timezone)}</span>
          ) : (
            <>Issued {formatDateTime(credential.createdAt, device.farm.timezone)}</>
          )
        ) : (
          "None issued"
        )}
      </Field>
    </FieldCard>
  );
}

function DiagnosticsCard({ device }: { device: DeviceDetail }) {
  const summary = reportSummary(device.diagnosticReport);
  return (
    <FieldCard title="Diagnostics">
      <Field label="Last run">{device.lastDiagnostic ? formatDateTime(device.lastDiagnostic, device.farm.timezone) : null}</Field>
      <Field label="Report">
        {summary.length ? (
          <ul className="space-y-0.5">
            {summary.map(([key, value]) => (
              <li key={key}>
                <span className="text-stone-500">{humanize(key)}:</span> {value}
              </li>
            ))}
          </ul>
        ) : null}
      </Field>
      <Field label="CPU">{device.cpuPercent === null ? null : formatNumber(device.cpuPercent, "%", 1)}</Field>
      <Field label="Memory">{device.memoryPercent === null ? null : formatNumber(device.memoryPercent, "%", 1)}</Field>
      <Field label="Storage">{device.storagePercent === null ? null : formatNumber(device.storagePercent, "%", 1)}</Field>
    </FieldCard>
  );
}

/**
 * M92 keeps the diagnostic report as free JSON. The page shows its first few top-level values;
 * nested parts are summarised by their size rather than dumped.
 */
function reportSummary(report: unknown, max = 6): [string, string][] {
  if (report === null || report === undefined) return [];
  if (typeof report !== "object" || Array.isArray(report)) return [["result", describe(report)]];
  return Object.entries(report as Record<string, unknown>)
    .slice(0, max)
    .map(([key, value]) => [key, describe(value)]);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return yesNo(value);
  if (Array.isArray(value)) return `${value.length} items`;
  if (typeof value === "object") return `${Object.keys(value).length} values`;
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
