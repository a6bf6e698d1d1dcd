import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { publishMany } from "./publish-many";

const client = (connected: boolean, publishAsync: () => Promise<unknown>) => ({ connected, publishAsync }) as unknown as MqttClient;
const one = [{ topic: "devices/MM001/commands", payload: "{}" }];

describe("publishMany", () => {
  it("resolves once the broker took every message", async () => {
    let taken = 0;
    await publishMany(client(true, async () => (taken += 1)), [...one, ...one]);
    expect(taken).toBe(2);
  });

  it("refuses at once without a connection, rather than queueing in mqtt.js until the broker is back", async () => {
    await expect(publishMany(client(false, () => new Promise(() => undefined)), one)).rejects.toThrow(/not connected/);
  });

  it("gives up when the broker does not acknowledge in time", async () => {
    await expect(publishMany(client(true, () => new Promise(() => undefined)), one, 50)).rejects.toThrow(/did not take 1 message\(s\) within 0.05 s/);
  });
});
