import { spawn } from "node:child_process";
import path from "node:path";

/** `prisma migrate deploy` through the CLI (JS schema engine, see prisma.config.ts). */
export function migrateDeploy(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  const prisma = path.resolve("node_modules", ".bin", "prisma");
  return new Promise((resolve, reject) => {
    const child = spawn(prisma, ["migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      const applied = output.match(/(\d+) migrations? found/);
      if (code === 0) {
        log(applied ? `migrations: ${applied[0]}, applied` : "migrations applied");
        resolve();
      } else reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
