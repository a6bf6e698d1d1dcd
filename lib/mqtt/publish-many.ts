/**
 * Cloud → device messages of the worker's engines (update offers, commands): published at QoS 1
 * on one connection, resolved once the broker took every one of them (PUBACK). The engines mark a
 * message sent only after that, so a crash in between sends it again rather than never.
 */
import type { MqttClient } from "mqtt";

/** `retain`: the broker keeps the last one for the next subscriber (a device's configuration, so one that reconnects gets the latest). */
export type Outgoing = { topic: string; payload: string; retain?: boolean };

/**
 * Past this the broker is taken to be gone: mqtt.js would hold the messages until it reconnects,
 * and the engine's round would hold its rows and lock meanwhile (no expiry, no timeouts, no cancel).
 * Failing the round leaves the messages queued for the next one; a device dedupes a late duplicate.
 */
export const PUBLISH_TIMEOUT_MS = 10_000;

export async function publishMany(client: MqttClient, messages: readonly Outgoing[], timeoutMs = PUBLISH_TIMEOUT_MS): Promise<void> {
  if (messages.length === 0) return;
  if (!client.connected) throw new Error("not connected to the broker");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the broker did not take ${messages.length} message(s) within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(messages.map((message) => client.publishAsync(message.topic, message.payload, { qos: 1, retain: message.retain ?? false }))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
