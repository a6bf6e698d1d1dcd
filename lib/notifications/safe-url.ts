/**
 * Webhook URLs come from people and are called by the server, so they must not reach what only the
 * server can reach that matters most: cloud metadata services (169.254.169.254 and friends) and
 * other link-local addresses. Loopback and private networks stay allowed on purpose — a farm's chat
 * server or a local receiver often lives there — unless WEBHOOK_ALLOW_PRIVATE=false.
 *
 * Checked when a channel is saved (a clear message for the form) and again, with DNS, before each
 * call (a name may point elsewhere later).
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { InvalidError } from "../errors";

const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"]);
/** Metadata endpoints outside link-local space (Alibaba 100.100.100.200, AWS IPv6 fd00:ec2::254). */
const METADATA_ADDRESSES = new Set(["100.100.100.200", "fd00:ec2::254"]);
const ALWAYS_REFUSED = new Set(["linkLocal", "unspecified", "multicast", "broadcast", "reserved"]);
const PRIVATE = new Set(["loopback", "private", "uniqueLocal", "carrierGradeNat"]);

/** How long a webhook host's name may take to resolve before the call counts as failed. */
export const DNS_TIMEOUT_MS = 5_000;

/** Resolves every address of `host`, or rejects after DNS_TIMEOUT_MS. */
export async function lookupAll(host: string): Promise<{ address: string }[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup of ${host} took longer than ${DNS_TIMEOUT_MS / 1000} s.`)), DNS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(host, { all: true }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The IPv4 address an IPv6 one wraps (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), or null. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  // NAT64 well-known prefix: 64:ff9b::/96, the IPv4 address in the last 32 bits
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return v4(p[6]!, p[7]!);
  // 6to4: 2002:AABB:CCDD::/48, the IPv4 address in bits 16–47
  if (p[0] === 0x2002) return v4(p[1]!, p[2]!);
  return null;
}

function allowPrivate() {
  return process.env.WEBHOOK_ALLOW_PRIVATE !== "false";
}

/** Why this address may not be called, or null. */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address.`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6") parsed = embeddedIPv4(parsed as ipaddr.IPv6) ?? parsed;
  const normalized = parsed.toString();
  if (METADATA_ADDRESSES.has(normalized)) return `${normalized} is a cloud metadata address.`;
  const range = parsed.range();
  if (ALWAYS_REFUSED.has(range)) return range === "linkLocal" ? `${normalized} is a link-local address (where cloud metadata services live).` : `${normalized} is not an address a webhook can be sent to (${range}).`;
  if (!allowPrivate() && PRIVATE.has(range)) return `${normalized} is a private address, and WEBHOOK_ALLOW_PRIVATE=false.`;
  return null;
}

/** Shape only (no DNS): for forms and the API. Throws InvalidError on the `url` field. */
export function parseWebhookUrl(raw: string, field = "url"): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidError("Enter a full URL starting with https:// or http://.", { [field]: ["Enter a full URL starting with https:// or http://."] });
  }
  const refuse = (message: string): never => {
    throw new InvalidError(message, { [field]: [message] });
  };
  if (url.protocol !== "https:" && url.protocol !== "http:") refuse(`Only http and https webhooks are allowed, not ${url.protocol.replace(":", "")}.`);
  if (url.username || url.password) refuse("Put credentials in the signing secret, not in the URL.");
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (METADATA_HOSTS.has(host)) refuse(`${host} is a cloud metadata service; webhooks cannot call it.`);
  if (ipaddr.isValid(host)) {
    const why = refusedAddress(host);
    if (why) refuse(why);
  }
  return url;
}

/** Shape and every address the name resolves to now. */
export async function checkWebhookUrl(raw: string, field = "url"): Promise<URL> {
  const url = parseWebhookUrl(raw, field);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) return url;
  let addresses: { address: string }[];
  try {
    addresses = await lookupAll(host);
  } catch {
    throw new InvalidError(`The host ${host} cannot be found.`, { [field]: [`The host ${host} cannot be found.`] });
  }
  for (const { address } of addresses) {
    const why = refusedAddress(address);
    if (why) throw new InvalidError(`${host} resolves to ${why}`, { [field]: [`${host} resolves to ${why}`] });
  }
  return url;
}
