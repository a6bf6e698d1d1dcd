import { describe, expect, it } from "vitest";
import { pageContentSecurityPolicy, tileSource } from "./content-security-policy";

describe("pageContentSecurityPolicy", () => {
  it("allows the nonced scripts, forbids framing and plugins", () => {
    const policy = pageContentSecurityPolicy({ nonce: "abc123" });
    expect(policy).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("img-src 'self' data: blob:;");
  });

  it("lets the development build evaluate and the map load its tiles", () => {
    const policy = pageContentSecurityPolicy({ nonce: "n", dev: true, tileUrl: "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png" });
    expect(policy).toContain("'unsafe-eval'");
    expect(policy).toContain("img-src 'self' data: blob: https://*.tile.openstreetmap.org;");
  });
});

describe("tileSource", () => {
  it.each([
    ["https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"],
    ["http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"],
    ["//tiles.example/{z}/{x}/{y}.png", "tiles.example"],
    ["https://{s}.tile.example/{z}/{x}/{y}.png", "https://*.tile.example"],
    ["https://tiles-{s}.example/{z}/{x}/{y}.png", "https:"],
  ])("%s → %s", (template, source) => expect(tileSource(template)).toBe(source));

  it("has nothing to add without a tile server", () => {
    expect(tileSource(undefined)).toBeNull();
    expect(tileSource("")).toBeNull();
  });
});
