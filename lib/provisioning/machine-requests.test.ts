import { describe, expect, it } from "vitest";
import { assertBrokerHookSecret, presentedHookSecret, readHookBody } from "./machine-requests";
import { mosquittoAclRequestSchema } from "./broker-hook-schemas";

const secret = "a-broker-hook-secret-of-some-length";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("the broker hook secret", () => {
  it("is read from X-Broker-Hook-Secret or from HTTP Basic authentication's password", () => {
    expect(presentedHookSecret(new Headers({ "X-Broker-Hook-Secret": secret }))).toBe(secret);
    expect(presentedHookSecret(new Headers({ Authorization: basic("mosquitto", secret) }))).toBe(secret);
    expect(presentedHookSecret(new Headers({ Authorization: "Bearer x" }))).toBeNull();
    expect(presentedHookSecret(new Headers())).toBeNull();
  });

  it("lets the right secret through and refuses a missing or wrong one with 401", () => {
    expect(() => assertBrokerHookSecret(new Headers({ "X-Broker-Hook-Secret": secret }), secret)).not.toThrow();
    expect(() => assertBrokerHookSecret(new Headers({ Authorization: basic("x", secret) }), secret)).not.toThrow();
    for (const headers of [new Headers(), new Headers({ "X-Broker-Hook-Secret": "nope" }), new Headers({ Authorization: basic("x", "nope") })]) {
      expect(() => assertBrokerHookSecret(headers, secret)).toThrow(expect.objectContaining({ status: 401 }));
    }
  });

  it("turns the hooks off (503, with what to do) while no secret is configured", () => {
    expect(() => assertBrokerHookSecret(new Headers({ "X-Broker-Hook-Secret": "" }), undefined)).toThrow(expect.objectContaining({ status: 503, message: expect.stringContaining("BROKER_HOOK_SECRET") }));
  });
});

describe("readHookBody", () => {
  const post = (body: string, type: string) => new Request("http://localhost/hook", { method: "POST", headers: { "Content-Type": type }, body });

  it("reads mosquitto-go-auth's JSON and form params alike", async () => {
    const json = await readHookBody(post(JSON.stringify({ username: "dev-MM001", clientid: "sdm-MM001", topic: "devices/MM001/telemetry", acc: 2 }), "application/json"), mosquittoAclRequestSchema);
    const form = await readHookBody(post("username=dev-MM001&clientid=sdm-MM001&topic=devices%2FMM001%2Ftelemetry&acc=2", "application/x-www-form-urlencoded"), mosquittoAclRequestSchema);
    expect(form).toEqual(json);
    expect(json.acc).toBe(2);
  });

  it("refuses a body that is neither, and an unknown access with a message", async () => {
    await expect(readHookBody(post("{nope", "application/json"), mosquittoAclRequestSchema)).rejects.toMatchObject({ status: 400 });
    await expect(readHookBody(post(JSON.stringify({ username: "u", topic: "t", acc: 9 }), "application/json"), mosquittoAclRequestSchema)).rejects.toThrow(/acc must be/);
  });
});
