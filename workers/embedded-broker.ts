/**
 * The embedded MQTT broker (Aedes 1.x over a plain TCP server), used when MQTT_URL is not set.
 * It enforces the rules of lib/mqtt/broker-access.ts, the same ones an external broker applies
 * through the HTTP hooks (app/api/v1/broker/…): the service account anywhere, a device only under
 * `devices/{itsOwnId}/…` with its own client id and never retained, nobody anonymous, no revoked
 * credential.
 */
import net from "node:net";
import { pathToFileURL } from "node:url";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { Db } from "../lib/db";
import { authenticateBrokerClient, invalidDeviceSessions, mayAccess, mayRetain, type BrokerIdentity, type BrokerLoginRefusal, type DeviceSession } from "../lib/mqtt/broker-access";
import { hashSecret } from "../lib/provisioning/credentials";
import { MAX_PACKET_BYTES, PacketSizeGuard } from "../lib/mqtt/packet-size";

export type EmbeddedBrokerOptions = {
  port: number;
  host?: string;
  db: Db;
  serviceUsername: string;
  servicePassword: string;
  log?: (line: string) => void;
  /**
   * How often open device connections are checked against the stored credentials, so that a
   * regenerated or revoked password also ends a connection made with it. Default 15 s.
   */
  sessionCheckIntervalMs?: number;
  /** A client sending a larger packet is disconnected before its body is read (default MAX_PACKET_BYTES). */
  maxPacketBytes?: number;
};

export type EmbeddedBroker = { port: number; close(): Promise<void> };

/** CONNACK return codes of MQTT 3.1.1 (aedes types them as an ambient const enum). */
const IDENTIFIER_REJECTED = 2 as AuthenticateError["returnCode"];
const SERVER_UNAVAILABLE = 3 as AuthenticateError["returnCode"];
const BAD_USERNAME_OR_PASSWORD = 4 as AuthenticateError["returnCode"];

const RETURN_CODE: Record<BrokerLoginRefusal, AuthenticateError["returnCode"]> = {
  anonymous: BAD_USERNAME_OR_PASSWORD,
  unknown_user: BAD_USERNAME_OR_PASSWORD,
  bad_credentials: BAD_USERNAME_OR_PASSWORD,
  client_id_mismatch: IDENTIFIER_REJECTED,
};

function refusal(message: string, returnCode: AuthenticateError["returnCode"]): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.log ?? (() => undefined);
  const identities = new WeakMap<Client, BrokerIdentity>();
  const deviceSessions = new Map<Client, DeviceSession>();

  const broker = await Aedes.createBroker({
    // No cap on messages routed at once. With Aedes' default (100) the overflow waits in
    // mqemitter's queue, which drains by synchronous recursion: a few thousand messages queued
    // (thousands of devices publishing at once) overflow the stack and crash the broker.
    concurrency: 0,
    authenticate(client, username, password, done) {
      const service = { username: options.serviceUsername, password: options.servicePassword };
      const secret = password ? password.toString("utf8") : "";
      authenticateBrokerClient(options.db, { username, password: secret, clientId: client.id }, service).then(
        (login) => {
          if (!login.ok) {
            log(`refused ${username ?? "anonymous client"} (${client.id}): ${login.reason.replaceAll("_", " ")}`);
            return done(refusal(login.message, RETURN_CODE[login.reason]), null);
          }
          identities.set(client, login.identity);
          if (login.identity.kind === "device" && username) deviceSessions.set(client, { username, passwordHash: hashSecret(secret) });
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
      if (packet.retain && !mayRetain(identity)) {
        log(`refused retained publish by ${client.id} to ${packet.topic}`);
        return done(new Error(`not authorized to retain messages on ${packet.topic}`));
      }
      if (mayAccess(identity, packet.topic, "publish")) return done(null);
      log(`refused publish by ${client.id} to ${packet.topic}`);
      // An error makes Aedes drop the message and the connection: a device writing outside its
      // own topics is misbehaving or compromised.
      done(new Error(`not authorized to publish to ${packet.topic}`));
    },

    authorizeSubscribe(client, subscription, done) {
      if (mayAccess(identities.get(client), subscription.topic)) return done(null, subscription);
      log(`refused subscription by ${client.id} to ${subscription.topic}`);
      // A null subscription answers SUBACK 0x80 (failure) for that filter and keeps the client.
      done(null, null);
    },
  });

  broker.on("clientError", (client, error) => log(`client ${client.id}: ${error.message}`));
  broker.on("clientDisconnect", (client) => deviceSessions.delete(client));

  // Open connections whose password was regenerated or revoked (or whose device was retired)
  // since they logged in are closed; reconnecting with the old password is then refused.
  let checking = false;
  const sessionCheck = setInterval(() => {
    if (checking || deviceSessions.size === 0) return;
    checking = true;
    const open = [...deviceSessions].map(([client, session]) => ({ ...session, client }));
    invalidDeviceSessions(options.db, open)
      .then((invalid) => {
        for (const { client, username } of invalid) {
          log(`closing ${username} (${client.id}): its credentials were revoked or replaced`);
          deviceSessions.delete(client);
          client.close();
        }
      })
      .catch((error: unknown) => log(`cannot re-check open connections: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        checking = false;
      });
  }, options.sessionCheckIntervalMs ?? 15_000);
  sessionCheck.unref();

  const sockets = new Set<net.Socket>();
  const maxPacketBytes = options.maxPacketBytes ?? MAX_PACKET_BYTES;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    guardPacketSize(socket, maxPacketBytes);
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
        clearInterval(sessionCheck);
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/**
 * Aedes has no maximum packet size (moscajs/aedes#831) and would buffer up to 256 MB per packet.
 * It reads the socket only through `read()`, so every byte passes here first: a connection that
 * announces a packet past the limit is closed (MQTT 3.1.1 has no way to refuse one packet), and
 * Aedes reports the error as a clientError.
 */
function guardPacketSize(socket: net.Socket, maxBytes: number) {
  const guard = new PacketSizeGuard(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (chunk instanceof Uint8Array) {
      const refused = guard.feed(chunk);
      if (refused !== null) {
        socket.destroy(new Error(refused < 0 ? "malformed packet length" : `packet of ${refused} bytes exceeds the broker's limit of ${maxBytes}`));
        return null;
      }
    }
    return chunk;
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
