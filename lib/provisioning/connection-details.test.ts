import { afterEach, describe, expect, it, vi } from "vitest";
import { brokerUrlForDevices, connectionDetails, deviceTopics } from "./connection-details";

afterEach(() => vi.restoreAllMocks());

describe("deviceTopics", () => {
  it("names the device's own topics of I-013 appendix A.2", () => {
    expect(deviceTopics("MM001")).toEqual({
      telemetry: "devices/MM001/telemetry",
      status: "devices/MM001/status",
      commandResponse: "devices/MM001/commands/{command_id}/response",
      otaStatus: "devices/MM001/ota/status",
      commands: "devices/MM001/commands",
      config: "devices/MM001/config",
      otaUpdate: "devices/MM001/ota/update",
    });
  });

  it("puts every topic under devices/{id}/, the only place the broker lets the device go", () => {
    for (const topic of Object.values(deviceTopics("FD123456"))) expect(topic.startsWith("devices/FD123456/")).toBe(true);
  });
});

describe("connectionDetails", () => {
  it("joins the login, the broker and the topics", () => {
    const details = connectionDetails("MM001", { username: "dev-MM001", password: "pw", clientId: "sdm-MM001" }, "mqtts://broker.example:8883");
    expect(details).toMatchObject({ username: "dev-MM001", password: "pw", clientId: "sdm-MM001", brokerUrl: "mqtts://broker.example:8883" });
    expect(details.topics.telemetry).toBe("devices/MM001/telemetry");
  });
});

describe("brokerUrlForDevices", () => {
  it("prefers MQTT_PUBLIC_URL, then MQTT_URL", () => {
    expect(brokerUrlForDevices({ MQTT_PUBLIC_URL: "mqtts://public.example:8883", MQTT_URL: "mqtt://10.0.0.5:1883" })).toBe("mqtts://public.example:8883");
    expect(brokerUrlForDevices({ MQTT_PUBLIC_URL: undefined, MQTT_URL: "mqtt://10.0.0.5:1883" })).toBe("mqtt://10.0.0.5:1883");
  });

  it("falls back to the embedded broker npm start announced, or the standalone broker's port", async () => {
    const services = await import("../config/database-url");
    vi.spyOn(services, "readEmbeddedServices").mockReturnValue({ mqttUrl: "mqtt://127.0.0.1:40123" });
    expect(brokerUrlForDevices({ MQTT_PUBLIC_URL: undefined, MQTT_URL: undefined })).toBe("mqtt://127.0.0.1:40123");
    vi.spyOn(services, "readEmbeddedServices").mockReturnValue({});
    expect(brokerUrlForDevices({ MQTT_PUBLIC_URL: undefined, MQTT_URL: undefined })).toBe("mqtt://localhost:1883");
  });
});
