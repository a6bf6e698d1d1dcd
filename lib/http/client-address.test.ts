import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/env";
import { clientAddress, PEER_ADDRESS_HEADER, PEER_ADDRESS_MARKER_ENV, proxyTrust } from "./client-address";

const none = proxyTrust({ TRUSTED_PROXIES: undefined, TRUSTED_PROXY_HOPS: undefined });

describe("clientAddress", () => {
  afterEach(() => {
    delete process.env[PEER_ADDRESS_MARKER_ENV];
  });

  it("counts the socket and ignores X-Forwarded-For when no proxy is trusted", () => {
    const headers = new Headers({ "X-Forwarded-For": "203.0.113.7", "X-Real-IP": "198.51.100.2" });
    expect(clientAddress(headers, { peer: "192.0.2.44", trust: none })).toBe("192.0.2.44");
    expect(clientAddress(headers, { peer: "::ffff:192.0.2.44", trust: none })).toBe("192.0.2.44");
  });

  it("believes the chain only as far as it runs through trusted proxies", () => {
    const trust = proxyTrust(parseConfig({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" }));
    const headers = new Headers({ "X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.2" });
    // 10.0.0.5 and 10.0.0.2 are our proxies; 203.0.113.7 connected to them; 6.6.6.6 is its claim.
    expect(clientAddress(headers, { peer: "10.0.0.5", trust })).toBe("203.0.113.7");
    // The same header straight from an untrusted socket is that socket's word only.
    expect(clientAddress(headers, { peer: "192.0.2.44", trust })).toBe("192.0.2.44");
  });

  it("with a hop count, takes the address that many hops back", () => {
    const trust = proxyTrust(parseConfig({ TRUSTED_PROXY_HOPS: "1" }));
    const headers = new Headers({ "X-Forwarded-For": "6.6.6.6, 203.0.113.7" });
    expect(clientAddress(headers, { peer: "10.0.0.5", trust })).toBe("203.0.113.7");
  });

  it("reads the socket from the web server's header only when the web server vouches for it", () => {
    const headers = { "x-forwarded-for": "6.6.6.6", [PEER_ADDRESS_HEADER]: "192.0.2.44" };
    process.env[PEER_ADDRESS_MARKER_ENV] = "1";
    expect(clientAddress(headers, { trust: none })).toBe("192.0.2.44");
    delete process.env[PEER_ADDRESS_MARKER_ENV];
    // A bare `next start`: Next.js's last recorded hop stands in for the socket.
    expect(clientAddress(headers, { trust: none })).toBe("6.6.6.6");
    expect(clientAddress(new Headers(), { trust: none })).toBe("unknown");
  });
});

describe("TRUSTED_PROXIES", () => {
  it("refuses what is not an address or CIDR, and both settings at once", () => {
    expect(() => parseConfig({ TRUSTED_PROXIES: "10.0.0.0/8, proxy.farm.lan" })).toThrow(/TRUSTED_PROXIES/);
    expect(() => parseConfig({ TRUSTED_PROXIES: "10.0.0.1", TRUSTED_PROXY_HOPS: "1" })).toThrow(/not both/);
    expect(parseConfig({ TRUSTED_PROXIES: "loopback, 10.1.0.0/16" }).TRUSTED_PROXIES).toEqual(["loopback", "10.1.0.0/16"]);
  });
});
