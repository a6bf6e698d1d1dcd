/**
 * The product's configuration, read and validated once. Every process (web, worker, simulator,
 * launcher, tests) goes through `loadConfig()`, so a bad value fails at start with one readable
 * message instead of somewhere deep in a driver.
 */
import proxyAddr from "proxy-addr";
import { z } from "zod";
import { entraTenantProblem } from "../auth/entra-tenant";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((value) => ["true", "1", "yes"].includes(value));

/** Simulated devices to pick: a share 0…1 and/or device ids, comma-separated, or none (workers/simulator-config.ts). */
const simulatorSelection = z
  .string()
  .trim()
  .regex(/^(none|(0|1|0?\.\d+|1\.0+|[A-Za-z][\w.-]{0,63})(\s*,\s*(0|1|0?\.\d+|1\.0+|[A-Za-z][\w.-]{0,63}))*)$/, "must be a share between 0 and 1 and/or device ids, comma-separated (0.1,ES002), or none");

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), "must look like postgresql://user:password@host:5432/database");

const mqttUrl = z
  .string()
  .trim()
  .refine((value) => /^(mqtts?|wss?|tcp):\/\/.+/.test(value), "must look like mqtt://host:1883 (or mqtts://, ws://, wss://)");

export const configSchema = z
  .object({
  DATABASE_URL: postgresUrl.optional(),
  /**
   * A streaming replica for reads that may lag (lists, charts, reports: lib/db.ts getReadDb);
   * writes and reads of one's own writes stay on DATABASE_URL. Used while it is up and at most
   * DATABASE_REPLICA_MAX_LAG_SECONDS behind; otherwise those reads go to the primary.
   */
  DATABASE_REPLICA_URL: postgresUrl.optional(),
  DATABASE_REPLICA_MAX_LAG_SECONDS: z.coerce.number({ message: "must be a number" }).min(0).max(3600).default(5),
  MQTT_URL: mqttUrl.optional(),
  /** Service account the worker and the web app use on the broker. */
  MQTT_SERVICE_USERNAME: z.string().min(1).default("sdm-service"),
  MQTT_SERVICE_PASSWORD: z.string().min(1).optional(),
  /**
   * 5 for Mosquitto 2 / EMQX / HiveMQ (with 3.1.1 Mosquitto allows only 20 unacknowledged messages in
   * flight per client, which caps the worker); the embedded Aedes broker speaks 3.1.1 only.
   * Default: 5 with MQTT_URL, 4 (= 3.1.1) for the embedded broker.
   */
  MQTT_PROTOCOL_VERSION: z.enum(["4", "5"], { message: "must be 4 (MQTT 3.1.1) or 5" }).transform(Number).optional(),
  /** `$share/iot-workers/…` so that several workers split the load (EMQX, Mosquitto 2, HiveMQ). */
  MQTT_SHARED_SUBSCRIPTION: booleanFlag.default(false),
  /**
   * The shared subscription's group (`$share/<group>/…`); setting it turns the shared subscription
   * on. Every worker of one deployment names the same group, each with its own MQTT_CLIENT_ID.
   */
  MQTT_SHARED_GROUP: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - only").optional(),
  /**
   * Broker connections per worker, on a shared subscription when more than one. External brokers
   * only. The worker acknowledges only after storing: with MQTT 5 it lets the broker keep 65,535
   * messages in flight and one connection suffices (~15,000 msg/s in bench:ingest); with 3.1.1
   * Mosquitto allows each client 20 (max_inflight_messages), so there more connections are needed.
   */
  MQTT_INGEST_CONNECTIONS: z.coerce.number({ message: "must be a number" }).int().min(1).max(64).default(1),
  MQTT_CLIENT_ID: z.string().min(1).max(64).optional(),
  /**
   * The broker address devices are given when they are provisioned (the wizard's last step, the
   * claim answer). Default: MQTT_URL, or the embedded broker's; set it when devices reach the broker
   * by another name than this server does (mqtts://broker.farm.example:8883).
   */
  MQTT_PUBLIC_URL: mqttUrl.optional(),
  /**
   * Shared secret an external broker (EMQX, mosquitto-go-auth) sends in the `X-Broker-Hook-Secret`
   * header when it calls /api/v1/broker/…; those endpoints are off (503) while it is unset.
   */
  BROKER_HOOK_SECRET: z.string().min(24, "must be at least 24 characters (openssl rand -base64 32)").optional(),
  PORT: z.coerce.number({ message: "must be a number" }).int().min(1).max(65535).default(3000),
  /**
   * Reverse proxies whose X-Forwarded-For the throttles believe, as addresses or CIDRs separated by
   * commas (10.0.0.5, 10.1.0.0/16, ::1) or proxy-addr's names (loopback, linklocal, uniquelocal).
   * Unset: the socket's address counts and X-Forwarded-For is ignored. Or TRUSTED_PROXY_HOPS.
   */
  TRUSTED_PROXIES: z
    .string()
    .trim()
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
    .refine((list) => {
      try {
        proxyAddr.compile(list);
        return true;
      } catch {
        return false;
      }
    }, "must be IP addresses or CIDRs separated by commas (10.0.0.5, 10.1.0.0/16), or loopback, linklocal, uniquelocal")
    .optional(),
  /** Instead of TRUSTED_PROXIES: how many proxies stand in front of the web app (their addresses unknown). */
  TRUSTED_PROXY_HOPS: z.coerce.number({ message: "must be a number" }).int().min(0).max(10).optional(),
  HOSTNAME: z.string().min(1).default("0.0.0.0"),
  /**
   * The address devices reach this server by, for firmware download links in update offers.
   * Default http://localhost:PORT (right for the demo's simulated devices on this machine).
   */
  PUBLIC_URL: z.url({ message: "must be a URL such as https://devices.farm.example" }).optional(),
  /** How often the worker logs its counters (received, stored, per flush and per OTA batch). */
  WORKER_STATS_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(3600).default(30),
  /** How often the worker's update engine looks at running jobs (dispatch, promotion, rollback). */
  OTA_TICK_MS: z.coerce.number({ message: "must be a number" }).int().min(100).max(60_000).default(1_000),
  /** How often the worker's command engine sends, times out and expires commands (it also ticks on a NOTIFY). */
  COMMAND_TICK_MS: z.coerce.number({ message: "must be a number" }).int().min(50).max(60_000).default(500),
  /** How often the worker's configuration engine delivers pending configurations (its sweeps run every minute and on a NOTIFY). */
  CONFIG_TICK_MS: z.coerce.number({ message: "must be a number" }).int().min(100).max(60_000).default(1_000),
  /** A configuration sent and not confirmed is sent again after this many seconds… */
  CONFIG_RESEND_AFTER_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(5).max(86_400).default(120),
  /** …up to this many sends in all; then its status is failed (a rejected one is never resent). */
  CONFIG_MAX_SEND_ATTEMPTS: z.coerce.number({ message: "must be a number" }).int().min(1).max(100).default(3),
  /** A reachable device that does not run its desired configuration for longer than this raises a configuration drift alert. */
  CONFIG_DRIFT_GRACE_MINUTES: z.coerce.number({ message: "must be a number" }).int().min(0).max(10_080).default(10),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  /** Admins must set up two-factor sign-in (lib/auth/two-factor.ts reads it; validated here so a typo stops the start). */
  REQUIRE_ADMIN_TOTP: booleanFlag.optional(),
  /** Generic OpenID Connect single sign-on (lib/auth/oidc.ts): the issuer URL. */
  OIDC_ISSUER: z.string().trim().url("must be the issuer URL, e.g. https://keycloak.example/realms/dairy").optional(),
  /** Microsoft Entra ID single sign-on: one directory's id; the shared endpoints (common, organizations, consumers) are refused. */
  AZURE_AD_TENANT_ID: z
    .string()
    .trim()
    .superRefine((tenant, context) => {
      const problem = entraTenantProblem(tenant);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  /** Demo data and simulated devices on `npm start`. */
  DEMO: booleanFlag.default(true),
  SIMULATOR_DEVICES: z.coerce.number({ message: "must be a number" }).int().min(0).max(100_000).default(40),
  /**
   * Firmware versions the simulated devices fail to install, as `version=share` pairs separated by
   * commas (the same devices every run), or `none`. The default fails half of the installs of the
   * demo build 2.2.0, so a rollout of it shows the automatic rollback.
   */
  SIMULATOR_OTA_FAIL_VERSIONS: z
    .string()
    .trim()
    .regex(/^(none|[\w.+-]+=(0|1|0?\.\d+|1\.0+)(\s*,\s*[\w.+-]+=(0|1|0?\.\d+|1\.0+))*)$/, "must be version=share pairs such as 2.2.0=0.5,2.3.0=0.1 (shares between 0 and 1), or none")
    .default("2.2.0=0.5"),
  /** Share (0…1) of the simulated devices that fail every update at installing. */
  SIMULATOR_OTA_FAIL_SHARE: z.coerce.number({ message: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0),
  /** Share (0…1) of the simulated devices that accept an update and then never answer again. */
  SIMULATOR_OTA_SILENT_SHARE: z.coerce.number({ message: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0),
  /** Shares (0…1) of the simulated devices that fail every command, answer after the timeout, never answer. */
  SIMULATOR_COMMAND_FAIL_SHARE: z.coerce.number({ message: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0),
  SIMULATOR_COMMAND_LATE_SHARE: z.coerce.number({ message: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0),
  SIMULATOR_COMMAND_SILENT_SHARE: z.coerce.number({ message: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").default(0),
  /** Multiplies the simulated devices' command delays (1 = plausible, 0 = at once for benchmarks). */
  SIMULATOR_COMMAND_DELAY_SCALE: z.coerce.number({ message: "must be a number" }).min(0).max(100).default(1),
  /**
   * Simulated devices that reject a configuration changing their thresholds / never confirm one /
   * fail to store one: a share (chosen by a hash of the device id) and/or device ids, comma-separated
   * (`0.1`, `ES002`, `0.05,ES002`), or none. The default makes the demo's Barn A sensor ES002 refuse
   * Barn A's ammonia threshold, so a fresh `npm start` shows a rejection and, after the grace
   * period, drift (prisma/demo-config.ts).
   */
  SIMULATOR_CONFIG_REJECT: simulatorSelection.default("ES002"),
  SIMULATOR_CONFIG_SILENT: simulatorSelection.default("0"),
  SIMULATOR_CONFIG_FAIL: simulatorSelection.default("0"),
  /**
   * Firmware binaries go to DATA_DIR/storage unless a bucket is set: then to that S3-compatible
   * bucket (AWS S3, MinIO, Ceph, R2), path-style, with these keys.
   */
  STORAGE_S3_BUCKET: z.string().trim().min(3).optional(),
  STORAGE_S3_ENDPOINT: z.url({ message: "must be a URL such as https://s3.eu-west-1.amazonaws.com or http://minio.farm.lan:9000" }).default("https://s3.amazonaws.com"),
  STORAGE_S3_REGION: z.string().trim().min(1).default("us-east-1"),
  STORAGE_S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  /** Largest log bundle a device may upload (gzip bytes); its lines are read up to 8× that. */
  LOG_BUNDLE_MAX_BYTES: z.coerce.number({ message: "must be a number" }).int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
  /** Largest firmware binary accepted, in MB. */
  FIRMWARE_MAX_MB: z.coerce.number({ message: "must be a number" }).int().min(1).max(2048).default(64),
  /**
   * The Ed25519 key that signs firmware manifests, as PKCS#8 PEM. Unset: one is generated on first
   * start into DATA_DIR/firmware-signing-key.pem and kept; devices trust its public key.
   */
  FIRMWARE_SIGNING_KEY: z.string().trim().startsWith("-----BEGIN PRIVATE KEY-----", "must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)").optional(),
  TELEMETRY_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).int().min(1).max(3650).default(30),
  /** 5-minute telemetry rollups older than this many days are deleted daily (lib/jobs/rollup-retention.ts); charts up to 14 days read them. */
  ROLLUP_5M_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).int().min(1).max(3650).default(90),
  /** Hourly telemetry rollups older than this many days are deleted daily; charts and reports beyond 14 days read them. */
  ROLLUP_1H_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).int().min(1).max(36500).default(730),
  /**
   * How far the rollup job stays behind the newest telemetry, in seconds (lib/telemetry/rollups.ts):
   * a sample stored later than this after it was received would be missed by the rollups.
   */
  ROLLUP_LAG_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(10).max(3600).default(120),
  /** Audit events older than this many days are deleted daily (lib/jobs/audit-retention.ts). */
  AUDIT_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).int().min(1).max(36500).default(730),
  /**
   * Leaflet tile URL template (https://tile.openstreetmap.org/{z}/{x}/{y}.png or a farm's own tile
   * server). Unset: the map draws the devices on a plain background and fetches nothing from outside,
   * which is what an offline barn needs; when tiles fail to load, the markers stay.
   */
  MAP_TILE_URL: z
    .string()
    .trim()
    .refine((value) => /^(https?:)?\/\/.+/.test(value) && value.includes("{z}") && value.includes("{x}") && value.includes("{y}"), "must be a tile URL template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    .optional(),
  /** Credit line shown on the map with the tiles (most tile licences require one). */
  MAP_TILE_ATTRIBUTION: z.string().trim().default("© OpenStreetMap contributors"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .refine((config) => !(config.TRUSTED_PROXIES?.length && config.TRUSTED_PROXY_HOPS !== undefined), {
    message: "set TRUSTED_PROXIES or TRUSTED_PROXY_HOPS, not both",
    path: ["TRUSTED_PROXY_HOPS"],
  })
  .refine((config) => !config.STORAGE_S3_BUCKET || (config.STORAGE_S3_ACCESS_KEY_ID && config.STORAGE_S3_SECRET_ACCESS_KEY), {
    message: "STORAGE_S3_BUCKET needs STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY",
    path: ["STORAGE_S3_BUCKET"],
  })
  .transform((config) => ({ ...config, MQTT_PROTOCOL_VERSION: (config.MQTT_PROTOCOL_VERSION ?? (config.MQTT_URL ? 5 : 4)) as 4 | 5 }));

export type AppConfig = z.output<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Empty strings count as "not set", as they do in most .env tooling. */
function withoutEmpty(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = configSchema.safeParse(withoutEmpty(env));
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(config)"}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

let cached: AppConfig | undefined;

export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
