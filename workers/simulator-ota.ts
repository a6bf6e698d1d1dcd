/**
 * Over-the-air updates as one simulated device takes them, the way a real bootloader does: it
 * trusts only the server's public key (baked in at the factory, here SimulatorOptions.firmwarePublicKeyPem),
 * checks the signed manifest of an offer, downloads the binary with its own credentials, checks size
 * and SHA-256 against the manifest, installs, reboots into the new version and says so. Every step
 * is reported on `devices/{id}/ota/status`, so the rollout pages show real progress.
 *
 * The checks are pure functions (checkOffer, checkDownload), so the unit test and the device run
 * the same rules; the misbehaviour switches (fail at installing, go silent, fail one version on a
 * share of the fleet) make the engine's thresholds and automatic rollback demonstrable.
 */
import { createHash, createPublicKey } from "node:crypto";
import { decodePayload, otaUpdatePayload, type OtaStatusPayload, type OtaUpdatePayload } from "../lib/mqtt/payloads";
import { keyIdOf, verifyManifest, type FirmwareManifest } from "../lib/firmware/signing";

export type OtaStats = { otaOffers: number; otaCompleted: number; otaFailed: number };

/** How this device misbehaves during updates (picked by the simulator for the fleet). */
export type OtaMisbehaviour = {
  /** Fails every install at the installing step (--ota-fail). */
  failEveryInstall: boolean;
  /** Accepts the first offer (reports downloading) and then never answers again (--ota-silent). */
  silent: boolean;
  /** version → share of the fleet that fails installing it (--ota-fail-version). */
  failVersions: Record<string, number>;
};

export const NO_OTA_MISBEHAVIOUR: OtaMisbehaviour = { failEveryInstall: false, silent: false, failVersions: {} };

/** What the device runner lends the update: who it is, its link to the broker, its reboot. */
export type OtaDevice = {
  deviceId: string;
  deviceType: string;
  username: string;
  password: string;
  report(status: OtaStatusPayload): void;
  /** Reboots into `version` (reconnects); resolves once the device is back online. */
  reboot(version: string): Promise<void>;
  log(line: string): void;
};

export type OtaOptions = {
  /** The server's Ed25519 public key (PEM) this device trusts; without it every offer fails. */
  publicKeyPem: string | undefined;
  /** Typical length of one visible step (installing, verifying…) in ms; each lasts 0.6–1.6 × this. */
  stepMs: number;
  random: () => number;
};

export type Verdict<T> = { ok: true; value: T } | { ok: false; error: string };

const MANIFEST_FIELDS: Record<keyof FirmwareManifest, (value: unknown) => boolean> = {
  device_type: (value) => typeof value === "string",
  version: (value) => typeof value === "string",
  firmware_file: (value) => typeof value === "string",
  file_size: (value) => Number.isInteger(value) && (value as number) >= 0,
  sha256_hash: (value) => typeof value === "string",
  min_previous_version: (value) => value === null || typeof value === "string",
  compatible_models: (value) => Array.isArray(value),
  mandatory: (value) => typeof value === "boolean",
  signing_key_id: (value) => typeof value === "string",
};

function trustedKeyId(publicKeyPem: string): string | null {
  try {
    return keyIdOf(createPublicKey(publicKeyPem));
  } catch {
    return null;
  }
}

/**
 * What a device checks before it spends its uplink on a download: the manifest is signed by the
 * key it trusts, is for its device type, and says the same version, size and SHA-256 as the offer.
 * The signature comes first: nothing in an unsigned manifest is worth believing.
 */
export function checkOffer(offer: OtaUpdatePayload, deviceType: string, publicKeyPem: string | undefined): Verdict<FirmwareManifest> {
  if (!publicKeyPem) return { ok: false, error: "no trusted firmware key on this device (start the simulator with --public-key-file)" };
  if (!offer.manifest) return { ok: false, error: "the offer carries no signed manifest" };
  if (!verifyManifest(publicKeyPem, offer.manifest, offer.signature)) {
    const trusted = trustedKeyId(publicKeyPem);
    const claimed = offer.signing_key_id;
    return { ok: false, error: claimed && trusted && claimed !== trusted ? `signature does not verify (signed with key ${claimed}, the device trusts ${trusted})` : "signature does not verify" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(offer.manifest);
  } catch {
    return { ok: false, error: "the signed manifest is not JSON" };
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  const bad = (Object.keys(MANIFEST_FIELDS) as (keyof FirmwareManifest)[]).find((key) => !MANIFEST_FIELDS[key](record[key]));
  if (typeof parsed !== "object" || parsed === null || bad) return { ok: false, error: `the signed manifest lacks a valid ${bad ?? "body"}` };
  const manifest = parsed as FirmwareManifest;
  if (manifest.device_type !== deviceType) return { ok: false, error: `firmware is for ${manifest.device_type}, this device is a ${deviceType}` };
  if (manifest.version !== offer.version) return { ok: false, error: `manifest is for version ${manifest.version}, the offer says ${offer.version}` };
  if (manifest.sha256_hash !== offer.sha256) return { ok: false, error: `manifest SHA-256 ${manifest.sha256_hash} differs from the offer's ${offer.sha256}` };
  if (manifest.file_size !== offer.size) return { ok: false, error: `manifest size ${manifest.file_size} bytes differs from the offer's ${offer.size}` };
  return { ok: true, value: manifest };
}

/** The downloaded bytes against the signed manifest; null when they match. */
export function checkDownload(manifest: FirmwareManifest, got: { size: number; sha256: string }): string | null {
  if (got.size !== manifest.file_size) return `size mismatch: expected ${manifest.file_size} bytes, got ${got.size}`;
  if (got.sha256 !== manifest.sha256_hash) return `SHA-256 mismatch: expected ${manifest.sha256_hash} got ${got.sha256}`;
  return null;
}

/** Both checks over a binary already in memory (what the device does, in one call). */
export function verifyFirmware(offer: OtaUpdatePayload, deviceType: string, bytes: Uint8Array, publicKeyPem: string | undefined): Verdict<FirmwareManifest> {
  const offered = checkOffer(offer, deviceType, publicKeyPem);
  if (!offered.ok) return offered;
  const error = checkDownload(offered.value, { size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  return error ? { ok: false, error } : offered;
}

/**
 * Whether this device fails installing `version`: a share of the fleet per version, decided by a
 * hash of device id and version, so a rerun (or a second simulator) fails the same devices.
 */
export function failsVersion(deviceId: string, version: string, failVersions: Record<string, number>): boolean {
  const share = failVersions[version] ?? 0;
  if (share <= 0) return false;
  if (share >= 1) return true;
  const draw = createHash("sha256").update(`${deviceId}@${version}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw < share;
}

/**
 * `--ota-fail-version 2.2.0=0.5` (repeatable, or comma-separated: `2.2.0=0.5,2.3.0=0.1`); "none"
 * turns it off. Throws a one-line message on anything else.
 */
export function parseOtaFailVersions(values: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const item of values.flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean)) {
    if (item === "none") continue;
    const [version, share, extra] = item.split("=").map((part) => part.trim());
    const parsed = Number(share);
    if (!version || share === undefined || share === "" || extra !== undefined || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      throw new Error(`--ota-fail-version must look like 2.2.0=0.5 (a version and a share between 0 and 1), not "${item}"`);
    }
    result[version] = parsed;
  }
  return result;
}

class Stopped extends Error {}

/**
 * The update side of one simulated device. Offers are handled one after another (a device flashes
 * one image at a time); a redelivered offer (QoS 1) for an update it is on or has finished is
 * ignored. A rollback of a job is a new offer (same job, rollback: true) and is taken.
 */
export class DeviceOta {
  private readonly seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private hung = false;

  constructor(
    private readonly device: OtaDevice,
    private readonly behaviour: OtaMisbehaviour,
    private readonly options: OtaOptions,
    private readonly stats: OtaStats,
  ) {}

  onOffer(payload: Buffer) {
    const { device } = this;
    const decoded = decodePayload(otaUpdatePayload, payload);
    if (!decoded.ok) {
      device.log(`sim ${device.deviceId}: ignored malformed OTA offer: ${decoded.error}`);
      return;
    }
    const offer = decoded.value;
    const key = `${offer.job_id}:${offer.rollback ? "rollback" : "update"}:${offer.version}`;
    if (this.seen.has(key)) {
      device.log(`sim ${device.deviceId}: ignored a repeated offer of job ${offer.job_id} (${offer.version})`);
      return;
    }
    this.seen.add(key);
    if (this.hung) return;
    this.stats.otaOffers += 1;
    this.queue = this.queue.then(() => this.take(offer)).catch((error: unknown) => {
      if (error instanceof Stopped) return;
      // A bug here must not leave the job waiting forever: say what broke.
      this.fail(offer, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Stops at once: an update in progress is dropped (as a device losing power would). */
  stop() {
    this.abort.abort();
  }

  private report(offer: OtaUpdatePayload, status: OtaStatusPayload["status"], extra: Omit<OtaStatusPayload, "job_id" | "status"> = {}) {
    if (this.abort.signal.aborted) return;
    this.device.report({ job_id: offer.job_id, status, ...extra });
  }

  private fail(offer: OtaUpdatePayload, error: string) {
    this.stats.otaFailed += 1;
    this.device.log(`sim ${this.device.deviceId}: update to ${offer.version} (job ${offer.job_id}) failed: ${error}`);
    this.report(offer, "failed", { error });
  }

  private step(factor = 1) {
    const ms = Math.round(this.options.stepMs * factor * (0.6 + this.options.random()));
    return new Promise<void>((resolve, reject) => {
      if (this.abort.signal.aborted) return reject(new Stopped());
      const timer = setTimeout(() => {
        this.abort.signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Stopped());
      };
      this.abort.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private async take(offer: OtaUpdatePayload) {
    const { device, behaviour } = this;
    const what = offer.rollback ? `rollback to ${offer.version}` : `update to ${offer.version}`;
    device.log(`sim ${device.deviceId}: ${what} offered (job ${offer.job_id})`);
    this.report(offer, "downloading", { progress: 0 });
    if (behaviour.silent) {
      this.hung = true;
      device.log(`sim ${device.deviceId}: hangs during the ${what} and stays silent (--ota-silent)`);
      return;
    }
    const offered = checkOffer(offer, device.deviceType, this.options.publicKeyPem);
    if (!offered.ok) return this.fail(offer, offered.error);

    const downloaded = await this.download(offer);
    if (!downloaded.ok) return this.fail(offer, downloaded.error);
    const mismatch = checkDownload(offered.value, downloaded.value);
    if (mismatch) return this.fail(offer, mismatch);

    this.report(offer, "installing");
    await this.step();
    if (behaviour.failEveryInstall || failsVersion(device.deviceId, offer.version, behaviour.failVersions)) {
      return this.fail(offer, "flash write failed (simulated)");
    }
    this.report(offer, "verifying");
    await this.step();
    await device.reboot(offer.version);
    if (this.abort.signal.aborted) return;
    this.stats.otaCompleted += 1;
    device.log(`sim ${device.deviceId}: now runs ${offer.version} (job ${offer.job_id})`);
    this.report(offer, offer.rollback ? "rolled_back" : "completed", { progress: 100, version: offer.version });
  }

  /** Streams the binary, counting and hashing it, reporting progress about every quarter. */
  private async download(offer: OtaUpdatePayload): Promise<Verdict<{ size: number; sha256: string }>> {
    const { device } = this;
    let response: Response;
    try {
      response = await fetch(offer.download_url, {
        headers: { authorization: `Basic ${Buffer.from(`${device.username}:${device.password}`).toString("base64")}` },
        signal: this.abort.signal,
      });
    } catch (error) {
      if (this.abort.signal.aborted) throw new Stopped();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, error: `download failed: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, error: `download failed: HTTP ${response.status}` };
    }
    const hash = createHash("sha256");
    let size = 0;
    let reported = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        hash.update(chunk);
        // A binary longer than promised is wrong whatever follows: stop reading it.
        if (size > offer.size) return { ok: false, error: `size mismatch: expected ${offer.size} bytes, got more` };
        const quarter = offer.size > 0 ? Math.floor((size / offer.size) * 4) * 25 : 100;
        if (quarter > reported) {
          reported = quarter;
          this.report(offer, "downloading", { progress: quarter });
          // Paced so the download is visible, as it is over a barn's uplink.
          if (quarter < 100) await this.step(0.25);
        }
      }
    } catch (error) {
      if (this.abort.signal.aborted) throw new Stopped();
      return { ok: false, error: `download failed: ${(error as Error).message}` };
    }
    return { ok: true, value: { size, sha256: hash.digest("hex") } };
  }
}
