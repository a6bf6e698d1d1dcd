/**
 * The configuration API's answers, in I-013 appendix A's words (`device_id`, `configuration`,
 * `version`, `change_summary`…): the domain's views (lib/configuration/device-config.ts,
 * layer-service.ts) as the route handlers return them. The OpenAPI area describes these shapes.
 */
import type { EffectiveConfig } from "./config-layers";
import type { ChangeOutcome, DeviceConfiguration, getDeviceShadow, ShadowView, VersionDetail, VersionDiff, VersionPage, VersionSummary } from "./device-config";
import type { LayerView } from "./layer-service";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function shadowFields(shadow: ShadowView) {
  return {
    desired_version: shadow.desiredVersion,
    desired_hash: shadow.desiredHash,
    desired_at: iso(shadow.desiredAt),
    sent_version: shadow.sentVersion,
    sent_at: iso(shadow.sentAt),
    send_attempts: shadow.sendAttempts,
    reported_version: shadow.reportedVersion,
    reported_hash: shadow.reportedHash,
    reported_at: iso(shadow.reportedAt),
    status: shadow.status,
    status_reason: shadow.statusReason,
    drift_since: iso(shadow.driftSince),
    drifted: shadow.drifted,
    sync_status: shadow.syncStatus,
  };
}

export function deviceConfigBody(view: DeviceConfiguration, now = new Date()) {
  return {
    device_id: view.device.deviceId,
    device_type: view.device.deviceType,
    configuration: view.configuration,
    version: view.version,
    hash: view.hash,
    sources: view.sources,
    overrides: view.overrides,
    layer_change_pending: view.layerChangePending,
    sync_status: view.syncStatus,
    shadow: shadowFields(view.shadow),
    health_thresholds: view.healthThresholds,
    timestamp: now.toISOString(),
  };
}

export function changeBody(outcome: ChangeOutcome) {
  return { device_id: outcome.deviceId, version: outcome.version, previous_version: outcome.previousVersion, status: outcome.status, change_summary: outcome.changeSummary, hash: outcome.hash };
}

export function versionBody(version: VersionSummary) {
  return {
    version: version.version,
    hash: version.hash,
    change_summary: version.changeSummary,
    reason: version.reason,
    source: version.source,
    rollback_of: version.rollbackOf,
    job_id: version.jobId,
    status: version.status,
    status_reason: version.statusReason,
    author: version.author,
    created_at: iso(version.createdAt),
    sent_at: iso(version.sentAt),
    applied_at: iso(version.appliedAt),
    current: version.current,
  };
}

export function versionDetailBody(deviceId: string, version: VersionDetail) {
  return { device_id: deviceId, ...versionBody(version), configuration: version.configuration, overrides: version.overrides, reported: version.reported ?? null };
}

export function versionPageBody(deviceId: string, page: VersionPage) {
  return { device_id: deviceId, current_version: page.currentVersion, data: page.data.map(versionBody), total: page.total, page: page.page, pageSize: page.pageSize, pages: page.pages };
}

export function diffBody(diff: VersionDiff) {
  return { device_id: diff.deviceId, from: versionBody(diff.from), to: versionBody(diff.to), diff: diff.diff, change_summary: diff.changeSummary };
}

export function shadowBody(shadow: Awaited<ReturnType<typeof getDeviceShadow>>) {
  return {
    device_id: shadow.device.deviceId,
    desired: { version: shadow.desired.version, hash: shadow.desired.hash, at: iso(shadow.desired.at), configuration: shadow.desired.configuration },
    reported: { version: shadow.reported.version, hash: shadow.reported.hash, at: iso(shadow.reported.at), configuration: shadow.reported.configuration },
    delivery: { status: shadow.delivery.status, status_reason: shadow.delivery.statusReason, sent_version: shadow.delivery.sentVersion, sent_at: iso(shadow.delivery.sentAt), send_attempts: shadow.delivery.sendAttempts },
    drift: { drifted: shadow.drift.drifted, since: iso(shadow.drift.since) },
    sync_status: shadow.syncStatus,
  };
}

const layered = (effective: EffectiveConfig) => ({ configuration: effective.config, sources: effective.sources });

export function layerBody(view: LayerView) {
  return {
    scope: view.scope,
    scope_id: view.scopeId,
    scope_name: view.scopeName,
    farm_id: view.farmId,
    device_type: view.deviceType,
    exists: view.exists,
    values: view.values,
    health: view.health,
    version: view.version,
    reason: view.reason,
    updated_by: view.updatedBy,
    updated_at: iso(view.updatedAt),
    inherited: layered(view.inherited),
    effective: layered(view.effective),
    inherited_health: view.inheritedHealth,
    effective_health: view.effectiveHealth,
    devices: view.devices,
  };
}
