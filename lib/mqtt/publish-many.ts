/**
 * Cloud → device messages of the worker's engines (update offers, commands): published at QoS 1
 * on one connection, resolved once the broker took every one of them (PUBACK). The engines mark a
 * message sent only after that, so a crash in between sends it again rather than never.
 */
import type { MqttClient } from "mqtt";

export type Outgoing = { topic: string; payload: string };

export async function publishMany(client: MqttClient, messages: readonly Outgoing[]): Promise<void> {
  await Promise.all(messages.map((message) => client.publishAsync(message.topic, message.payload, { qos: 1 })));
}
