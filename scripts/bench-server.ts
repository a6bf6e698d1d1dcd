/**
 * The production web server for benchmarks (built when its build is missing or stale) and a
 * signed-in session cookie, shared by bench:registry and bench:ota.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { newSecret } from "../lib/provisioning/credentials";
import { buildIsStale } from "../lib/services/build-freshness";
import { findFreePort } from "../lib/services/free-port";
import { cleanups, log } from "./bench-harness";

const bin = (name: string) => path.resolve("node_modules", ".bin", name);

/** Own process group, so that stopping it stops everything it spawned. */
function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
    cleanups.push(() => stopGroup(child));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (exit ${code})`))));
  });
}

async function waitForHttp(url: string, timeoutMs: number, server?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server && (server.exitCode !== null || server.signalCode !== null)) return false;
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** The production web server (after `next build` when the build is missing or stale) against `databaseUrl`, stopped by cleanup(). */
export async function startProductionServer(databaseUrl: string, dataDir: string, extraEnv: Record<string, string> = {}, fixedPort?: number) {
  const port = fixedPort ?? (await findFreePort());
  const secret = newSecret(32);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: secret,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    DEMO: "false",
    SIMULATOR_DEVICES: "0",
    ...extraEnv,
  };
  if (buildIsStale()) {
    log("building the web app (no build, or the code is newer than it; takes a few minutes on 2 cores)…");
    const started = performance.now();
    await runToEnd(bin("next"), ["build"], env);
    log(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } else log("using the existing production build (.next)");

  const logFile = path.join(dataDir, "server.log");
  const out = createWriteStream(logFile);
  // The product's web server (as npm start runs it), so the benchmarks measure what runs.
  const server = spawn(bin("tsx"), ["scripts/web-server.ts"], { env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  server.stdout!.pipe(out);
  server.stderr!.pipe(out);
  cleanups.push(() => stopGroup(server));
  const base = `http://127.0.0.1:${port}`;
  if (!(await waitForHttp(`${base}/api/health`, 120_000, server))) throw new Error(`the server did not answer on ${base} (log: ${path.relative(process.cwd(), logFile)})`);
  log(`production server on ${base} (log: ${path.relative(process.cwd(), logFile)})`);
  return base;
}

/** next-auth credentials sign-in: the CSRF token, then the callback; the session is a cookie. */
export async function signIn(base: string, email: string, password: string, callbackPath = "/"): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${base}${callbackPath}`, json: "true" }),
  });
  keep(callback);
  if (![...jar.keys()].some((name) => name.endsWith("next-auth.session-token"))) throw new Error(`sign-in failed (HTTP ${callback.status})`);
  return header();
}
