/**
 * What a device needs to talk to us (M92 task 3.1 step 5, the claim answer of I-013 §2.3): its
 * MQTT login, the broker address and its own topics. Built once here for the wizard, the REST API
 * and the claim flow, so the three cannot disagree.
 */
import { loadConfig, type AppConfig } from "../config/env";
import { readEmbeddedServices } from "../config/database-url";
import { topics } from "../mqtt/topics";
import type { IssuedCredentials } from "./credentials";

export type DeviceTopics = {
  /** device → cloud */
  telemetry: string;
  status: string;
  /** `{command_id}` is replaced by the id of the command being answered. */
  commandResponse: string;
  otaStatus: string;
  /** cloud → device: subscribe to these */
  commands: string;
  config: string;
  otaUpdate: string;
};

export type DeviceConnectionDetails = {
  username: string;
  /** Shown once: only its hash is stored. */
  password: string;
  clientId: string;
  brokerUrl: string;
  topics: DeviceTopics;
};

/** The topics of I-013 appendix A.2 for one device (lib/mqtt/topics.ts builds them). */
export function deviceTopics(deviceId: string): DeviceTopics {
  return {
    telemetry: topics.telemetry(deviceId),
    status: topics.status(deviceId),
    commandResponse: topics.commandResponse(deviceId, "{command_id}"),
    otaStatus: topics.otaStatus(deviceId),
    commands: topics.commands(deviceId),
    config: topics.config(deviceId),
    otaUpdate: topics.otaUpdate(deviceId),
  };
}

export function connectionDetails(deviceId: string, credentials: IssuedCredentials, brokerUrl: string): DeviceConnectionDetails {
  return { ...credentials, brokerUrl, topics: deviceTopics(deviceId) };
}

/** The standalone embedded broker's default port (workers/embedded-broker.ts). */
const LAST_RESORT_BROKER_URL = "mqtt://localhost:1883";

/**
 * The broker address devices are told to use: MQTT_PUBLIC_URL, else MQTT_URL, else the embedded
 * broker that `npm start` announced in .data/embedded-services.json.
 */
export function brokerUrlForDevices(config: Pick<AppConfig, "MQTT_PUBLIC_URL" | "MQTT_URL"> = loadConfig()): string {
  return config.MQTT_PUBLIC_URL ?? config.MQTT_URL ?? readEmbeddedServices().mqttUrl ?? LAST_RESORT_BROKER_URL;
}
