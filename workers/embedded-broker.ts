/**
 * The embedded MQTT broker (Aedes 1.x over a plain TCP server), used when MQTT_URL is not set.
 * It enforces the same rules a production broker's ACL must:
 *  - the service account (worker, web app) may publish and subscribe anywhere;
 *  - a device logs in with its DeviceCredential and may only use `devices/{itsOwnId}/…`;
 *  - anonymous clients and wrong or revoked credentials are refused at CONNECT.
 * A device's client id must be its own (`sdm-{deviceId}`, optionally `sdm-{deviceId}-suffix`):
 * MQTT disconnects the older session on a client id clash, so a device free to pick any id could
 * knock the worker (or another device) off the broker.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import net from "node:net";
import { pathToFileURL } from "node:url";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { Db } from "../lib/db";
import { topicOwner } from "../lib/mqtt/topics";
import { mqttIdentity, verifyDeviceCredentials } from "../lib/provisioning/credentials";

export type EmbeddedBrokerOptions = {
  port: number;
  host?: string;
  db: Db;
  serviceUsername: string;
  servicePassword: string;
  log?: (line: string) => void;
};

export type EmbeddedBroker = { port: number; close(): Promise<void> };

type Identity = { kind: "service" } | { kind: "device"; deviceId: string };

/** CONNACK return codes of MQTT 3.1.1 (aedes types them as an ambient const enum). */
const IDENTIFIER_REJECTED = 2 as AuthenticateError["returnCode"];
const SERVER_UNAVAILABLE = 3 as AuthenticateError["returnCode"];
const BAD_USERNAME_OR_PASSWORD = 4 as AuthenticateError["returnCode"];

function refusal(message: string, returnCode: AuthenticateError["returnCode"]): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/** Constant-time comparison whatever the lengths (hashing first makes them equal). */
function sameSecret(given: string, expected: string) {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

function deviceOwnsClientId(deviceId: string, clientId: string) {
  const own = mqttIdentity(deviceId).clientId;
  return clientId === own || clientId.startsWith(`${own}-`);
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.log ?? (() => undefined);
  const identities = new WeakMap<Client, Identity>();

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const secret = password ? password.toString("utf8") : "";
      if (!username) {
        log(`refused anonymous client ${client.id}`);
        return done(refusal("anonymous clients are not allowed", BAD_USERNAME_OR_PASSWORD), null);
      }
      if (username === options.serviceUsername) {
        if (sameSecret(secret, options.servicePassword)) {
          identities.set(client, { kind: "service" });
          return done(null, true);
        }
        log(`refused service login from ${client.id}: wrong password`);
        return done(refusal("bad username or password", BAD_USERNAME_OR_PASSWORD), null);
      }
      verifyDeviceCredentials(options.db, username, secret).then(
        (deviceId) => {
          if (!deviceId) {
            log(`refused ${username} (${client.id}): unknown, revoked or wrong credentials`);
            return done(refusal("bad username or password", BAD_USERNAME_OR_PASSWORD), null);
          }
          if (!deviceOwnsClientId(deviceId, client.id)) {
            log(`refused ${username}: client id "${client.id}" is not ${mqttIdentity(deviceId).clientId}`);
            return done(refusal("client id does not belong to this device", IDENTIFIER_REJECTED), null);
          }
          identities.set(client, { kind: "device", deviceId });
          done(null, true);
        },
        (error: unknown) => {
          // The database is down: say "server unavailable" so the device retries later, rather
          // than "bad password", which a well-behaved device would treat as final.
          log(`cannot check ${username}: ${error instanceof Error ? error.message : String(error)}`);
          done(refusal("credential store unavailable", SERVER_UNAVAILABLE), null);
        },
      );
    },

    authorizePublish(client, packet, done) {
      // client is null for messages the broker itself publishes ($SYS heartbeats).
      if (!client) return done(null);
      const identity = identities.get(client);
      if (identity?.kind === "service") return done(null);
      if (identity?.kind === "device" && topicOwner(packet.topic) === identity.deviceId) return done(null);
      log(`refused publish by ${client.id} to ${packet.topic}`);
      // An error makes Aedes drop the message and the connection: a device writing outside its
      // own topics is misbehaving or compromised.
      done(new Error(`not authorized to publish to ${packet.topic}`));
    },

    authorizeSubscribe(client, subscription, done) {
      const identity = identities.get(client);
      if (identity?.kind === "service") return done(null, subscription);
      if (identity?.kind === "device" && topicOwner(subscription.topic) === identity.deviceId) return done(null, subscription);
      log(`refused subscription by ${client.id} to ${subscription.topic}`);
      // A null subscription answers SUBACK 0x80 (failure) for that filter and keeps the client.
      done(null, null);
    },
  });

  broker.on("clientError", (client, error) => log(`client ${client.id}: ${error.message}`));

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log(`embedded MQTT broker listening on ${options.host ?? "127.0.0.1"}:${port}`);

  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** `tsx workers/embedded-broker.ts`: a standalone broker on EMBEDDED_MQTT_PORT (default 1883). */
async function main() {
  const { loadConfig } = await import("../lib/config/env");
  const { getDb, disconnectDb } = await import("../lib/db");
  const config = loadConfig();
  if (!config.MQTT_SERVICE_PASSWORD) {
    console.error("MQTT_SERVICE_PASSWORD must be set: it is the password of the worker's and web app's service account.");
    process.exit(1);
  }
  const broker = await startEmbeddedBroker({
    port: Number(process.env.EMBEDDED_MQTT_PORT ?? 1883),
    host: process.env.EMBEDDED_MQTT_HOST ?? "0.0.0.0",
    db: getDb(),
    serviceUsername: config.MQTT_SERVICE_USERNAME,
    servicePassword: config.MQTT_SERVICE_PASSWORD,
    log: (line) => console.log(`broker: ${line}`),
  });
  const shutdown = async () => {
    await broker.close();
    await disconnectDb();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
