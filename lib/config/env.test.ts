import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env";

describe("parseConfig", () => {
  it("falls back to the embedded defaults when nothing is set", () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MQTT_URL).toBeUndefined();
    expect(config.PORT).toBe(3000);
    expect(config.DEMO).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", MQTT_URL: " " }).DATABASE_URL).toBeUndefined();
  });

  it("accepts external services", () => {
    const config = parseConfig({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/sdm", MQTT_URL: "mqtt://127.0.0.1:1883", DEMO: "false" });
    expect(config.MQTT_URL).toBe("mqtt://127.0.0.1:1883");
    expect(config.DEMO).toBe(false);
  });

  it("names every bad value in one readable message", () => {
    let error: unknown;
    try {
      parseConfig({ DATABASE_URL: "mysql://x", PORT: "eighty", DEMO: "maybe" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("DATABASE_URL: must look like postgresql://");
    expect(message).toContain("PORT: must be a number");
    expect(message).toContain("DEMO: must be true or false");
  });

  it("speaks MQTT 5 to an external broker and 3.1.1 to the embedded one unless told otherwise", () => {
    expect(parseConfig({}).MQTT_PROTOCOL_VERSION).toBe(4);
    expect(parseConfig({ MQTT_URL: "mqtt://127.0.0.1:1883" }).MQTT_PROTOCOL_VERSION).toBe(5);
    expect(parseConfig({ MQTT_URL: "mqtt://127.0.0.1:1883", MQTT_PROTOCOL_VERSION: "4" }).MQTT_PROTOCOL_VERSION).toBe(4);
    expect(() => parseConfig({ MQTT_PROTOCOL_VERSION: "3" })).toThrow(/MQTT_PROTOCOL_VERSION: must be 4/);
  });

  it("refuses a short auth secret", () => {
    expect(() => parseConfig({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: must be at least 32 characters/);
  });
});
