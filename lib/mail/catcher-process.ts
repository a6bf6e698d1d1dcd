/**
 * Starts scripts/mail-catcher.ts as a child process and waits until it listens: what
 * scripts/with-services.ts gives the integration tests when the environment names no SMTP server.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

export type CatcherProcess = { url: string; pid: number; stop(): Promise<void> };

export function startMailCatcherProcess(options: { databaseUrl: string; cwd?: string; timeoutMs?: number }): Promise<CatcherProcess> {
  const cwd = options.cwd ?? process.cwd();
  const tsx = path.resolve(cwd, "node_modules", ".bin", "tsx");
  // stdin is a pipe the child watches: if this process dies without stopping it, the pipe
  // closes and the catcher stops by itself.
  const child = spawn(tsx, ["scripts/mail-catcher.ts", "--quiet"], { cwd, env: { ...process.env, DATABASE_URL: options.databaseUrl }, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(force);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the mail catcher did not start within ${(options.timeoutMs ?? 30_000) / 1000} s`));
    }, options.timeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /^SMTP_URL=(smtp:\/\/\S+)$/.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, pid: child.pid!, stop });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the mail catcher stopped before it listened (${signal ?? `exit ${code}`})`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
