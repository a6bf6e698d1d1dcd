/**
 * Screenshots of every screen, desktop and phone width, for a person to look at:
 *   BASE_URL=http://localhost:3000 tsx scripts/screenshots.ts [out-dir]
 * PAGES="/alerts,/devices/MM001" limits it to those routes; SCREENSHOT_USER signs in as someone else.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { DEMO_PASSWORD } from "../prisma/seed";

const base = process.env.BASE_URL ?? "http://localhost:3000";
const out = path.resolve(process.argv[2] ?? "screenshots");
const email = process.env.SCREENSHOT_USER ?? "admin@smartdairy.example";
const ALL_PAGES = ["/login", "/", "/devices", "/devices?groupBy=health&attention=true", "/devices/MM001", "/devices/MM001/edit", "/groups/new", "/provisioning", "/alerts", "/groups", "/firmware", "/updates", "/diagnostics", "/maintenance", "/maintenance?view=week", "/maintenance/list", "/maintenance/today", "/maintenance/plans", "/maintenance/plans/new", "/maintenance/plans/1", "/maintenance/1", "/inventory", "/inventory/stock", "/inventory/transfers", "/inventory/warranty", "/inventory/warranty?expiring=90", "/inventory/warranty/claims/new?device=AC004", "/inventory/warranty/claims/1", "/costs", "/costs?forecast=6", "/costs/rates", "/import", "/admin/users", "/admin/api-keys", "/admin/audit", "/profile", "/notifications", "/notifications/settings?farm=1", "/notifications/deliveries", "/farms", "/farms/1", "/farms/new", "/farms/1/edit", "/admin/outbox", "/profile/security"];
const pages = process.env.PAGES ? ["/login", ...process.env.PAGES.split(",").map((route) => route.trim())] : ALL_PAGES;

async function main() {
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  for (const [label, viewport] of [["desktop", { width: 1366, height: 900 }], ["phone", { width: 390, height: 844 }]] as const) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.screenshot({ path: path.join(out, `${label}-login.png`), fullPage: true });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    for (const route of pages.slice(1)) {
      await page.goto(`${base}${route}`);
      await page.waitForLoadState("networkidle");
      const name = route === "/" ? "dashboard" : route.slice(1).replace(/[^a-z0-9]+/gi, "-");
      await page.screenshot({ path: path.join(out, `${label}-${name}.png`), fullPage: true });
    }
    await context.close();
  }
  await browser.close();
  console.log(`screenshots in ${out}`);
}

void main();
