/**
 * The web app's HTTP server: Next.js's own request handler behind a Node server that records each
 * request's socket address (lib/http/client-address.ts). Next.js hands route handlers, server
 * actions and next-auth only headers, and keeps a client's own X-Forwarded-For, so without this a
 * throttle keyed by address could be escaped with a new invented address per attempt.
 *
 *   tsx scripts/web-server.ts          production build (after `next build`), as `next start`
 *   tsx scripts/web-server.ts --dev    as `next dev`
 */
import { createServer } from "node:http";
import { loadConfig } from "../lib/config/env";
import { PEER_ADDRESS_HEADER, PEER_ADDRESS_MARKER_ENV } from "../lib/http/client-address";

const dev = process.argv.includes("--dev");
// Next.js reads NODE_ENV when it loads, so it is set before the import below.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production", [PEER_ADDRESS_MARKER_ENV]: "1" });
const { default: next } = await import("next");
const config = loadConfig();

const server = createServer((request, response) => {
  // Overwrites whatever the client sent under this name: only the socket speaks here.
  request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "";
  void handle(request, response);
});
const app = next({ dev, hostname: config.HOSTNAME, port: config.PORT, httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

server.listen(config.PORT, config.HOSTNAME, () => console.log(`[web] ready on http://${config.HOSTNAME}:${config.PORT}${dev ? " (dev)" : ""}`));

function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
