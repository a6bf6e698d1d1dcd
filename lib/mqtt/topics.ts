/**
 * The MQTT topics of I-013 appendix A.2, built and parsed in one place. A device may use only
 * topics under `devices/{itsId}/` (enforced by the broker ACL).
 */
export const TOPIC_ROOT = "devices";

export const topics = {
  telemetry: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/telemetry`,
  status: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/status`,
  commands: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/commands`,
  commandResponse: (deviceId: string, commandId: string) => `${TOPIC_ROOT}/${deviceId}/commands/${commandId}/response`,
  config: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/config`,
  configStatus: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/config/status`,
  otaUpdate: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/ota/update`,
  otaStatus: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/ota/status`,
} as const;

/** What the cloud subscribes to: everything devices publish. */
export const DEVICE_TO_CLOUD_FILTERS = [
  `${TOPIC_ROOT}/+/telemetry`,
  `${TOPIC_ROOT}/+/status`,
  `${TOPIC_ROOT}/+/commands/+/response`,
  `${TOPIC_ROOT}/+/ota/status`,
  `${TOPIC_ROOT}/+/config/status`,
] as const;

/** What a device subscribes to: everything the cloud sends it. */
export const CLOUD_TO_DEVICE_SUFFIXES = ["commands", "config", "ota/update"] as const;

/**
 * MQTT 5 / Mosquitto 2 / EMQX shared subscription: each message goes to one worker of the group,
 * so N workers split the load without processing a message twice.
 */
export function sharedFilter(filter: string, group = "iot-workers") {
  return `$share/${group}/${filter}`;
}

export type ParsedTopic =
  | { kind: "telemetry"; deviceId: string }
  | { kind: "status"; deviceId: string }
  | { kind: "command_response"; deviceId: string; commandId: string }
  | { kind: "ota_status"; deviceId: string }
  | { kind: "commands"; deviceId: string }
  | { kind: "config"; deviceId: string }
  | { kind: "config_status"; deviceId: string }
  | { kind: "ota_update"; deviceId: string };

export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== TOPIC_ROOT || !parts[1]) return null;
  const deviceId = parts[1];
  const rest = parts.slice(2).join("/");
  switch (rest) {
    case "telemetry":
      return { kind: "telemetry", deviceId };
    case "status":
      return { kind: "status", deviceId };
    case "commands":
      return { kind: "commands", deviceId };
    case "config":
      return { kind: "config", deviceId };
    case "config/status":
      return { kind: "config_status", deviceId };
    case "ota/update":
      return { kind: "ota_update", deviceId };
    case "ota/status":
      return { kind: "ota_status", deviceId };
  }
  if (parts.length === 5 && parts[2] === "commands" && parts[4] === "response" && parts[3]) {
    return { kind: "command_response", deviceId, commandId: parts[3] };
  }
  return null;
}

/** The device id that owns a topic, or null when the topic is outside `devices/{id}/…`. */
export function topicOwner(topic: string): string | null {
  const parts = topic.split("/");
  if (parts[0] !== TOPIC_ROOT || parts.length < 3 || !parts[1]) return null;
  if (parts[1].includes("+") || parts[1].includes("#")) return null;
  return parts[1];
}
