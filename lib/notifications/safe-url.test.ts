import { afterEach, describe, expect, it } from "vitest";
import { checkWebhookUrl, parseWebhookUrl, refusedAddress } from "./safe-url";

describe("webhook URL guard", () => {
  afterEach(() => {
    delete process.env.WEBHOOK_ALLOW_PRIVATE;
  });

  it("refuses other schemes, credentials in the URL and metadata hosts", () => {
    expect(() => parseWebhookUrl("ftp://example.com/x")).toThrow(/Only http and https/);
    expect(() => parseWebhookUrl("file:///etc/passwd")).toThrow(/Only http and https/);
    expect(() => parseWebhookUrl("not a url")).toThrow(/full URL/);
    expect(() => parseWebhookUrl("https://user:pw@example.com/")).toThrow(/credentials/);
    expect(() => parseWebhookUrl("http://metadata.google.internal/computeMetadata/v1/")).toThrow(/metadata/);
  });

  it("refuses link-local and metadata addresses, also written as IPv6 or IPv4-mapped", () => {
    expect(() => parseWebhookUrl("http://169.254.169.254/latest/meta-data/")).toThrow(/link-local/);
    expect(() => parseWebhookUrl("http://[::ffff:169.254.169.254]/")).toThrow(/link-local/);
    expect(() => parseWebhookUrl("http://[fe80::1]/")).toThrow(/link-local/);
    expect(() => parseWebhookUrl("http://[fd00:ec2::254]/")).toThrow(/metadata/);
    expect(() => parseWebhookUrl("http://100.100.100.200/")).toThrow(/metadata/);
    expect(() => parseWebhookUrl("http://0.0.0.0:8080/")).toThrow(/not an address/);
  });

  it("refuses link-local and metadata addresses wrapped in NAT64 (64:ff9b::/96) or 6to4 (2002::/16)", () => {
    expect(refusedAddress("64:ff9b::a9fe:a9fe")).toMatch(/169\.254\.169\.254 is a link-local/);
    expect(refusedAddress("64:ff9b::169.254.169.254")).toMatch(/link-local/);
    expect(refusedAddress("2002:a9fe:a9fe::1")).toMatch(/link-local/);
    expect(refusedAddress("2002:6464:64c8::")).toMatch(/metadata/);
    expect(() => parseWebhookUrl("http://[64:ff9b::a9fe:a9fe]/")).toThrow(/link-local/);
    // a public IPv4 address behind NAT64 or 6to4 stays allowed
    expect(refusedAddress("64:ff9b::808:808")).toBeNull();
    expect(refusedAddress("2002:808:808::1")).toBeNull();
  });

  it("allows public, loopback and private receivers unless private ones are switched off", async () => {
    expect(parseWebhookUrl("https://hooks.slack.com/services/T/B/X").hostname).toBe("hooks.slack.com");
    expect(refusedAddress("127.0.0.1")).toBeNull();
    expect(refusedAddress("192.168.1.20")).toBeNull();
    await expect(checkWebhookUrl("http://localhost:9999/hook")).resolves.toBeInstanceOf(URL);
    process.env.WEBHOOK_ALLOW_PRIVATE = "false";
    expect(refusedAddress("10.0.0.5")).toMatch(/private/);
    await expect(checkWebhookUrl("http://localhost:9999/hook")).rejects.toThrow(/private/);
  });
});
