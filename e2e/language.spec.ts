import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "../prisma/seed";
import { demoUser, signIn } from "./fixtures";

/**
 * The interface in the person's language: picked on the login page (a cookie), or the signed-in
 * person's own (users.locale), with dates in the Dutch style. English stays the default.
 */

/** The running server's database (see alerts.spec.ts): its DATABASE_URL, else its data directory's. */
function serverDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  if (process.env.DATABASE_URL && process.env.E2E_PORT !== "3000") return process.env.DATABASE_URL;
  const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? (process.env.E2E_PORT === "3000" ? ".data/dev" : ".data/e2e"));
  const password = readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim();
  const port = readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/smart_dairy`;
}

const DUTCH_DATE = /\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}\b/;
let client: pg.Client;
const dutchUser = demoUser("manager");

// The dashboard after signing in is the heaviest page: on a busy machine it takes a while.
test.setTimeout(120_000);

test.beforeAll(async () => {
  client = new pg.Client({ connectionString: serverDatabaseUrl() });
  await client.connect();
});

test.afterAll(async () => {
  await client.query("UPDATE users SET locale = 'en' WHERE email = $1", [dutchUser.email]);
  await client.end();
});

test("the login page's language picker turns the form Dutch, and back", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Language").selectOption("nl");
  await expect(page.getByRole("heading", { name: "Aanmelden" })).toBeVisible();
  await expect(page.getByLabel("E-mailadres")).toBeVisible();
  await expect(page.getByLabel("Wachtwoord")).toBeVisible();
  await expect(page.getByRole("button", { name: "Aanmelden" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
  // Kept for the next visit (a cookie), and undone the same way.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Aanmelden" })).toBeVisible();
  await page.getByLabel("Taal").selectOption("en");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a person whose language is Dutch sees the shell, dashboard and lists in Dutch", async ({ page }) => {
  await client.query("UPDATE users SET locale = 'nl' WHERE email = $1", [dutchUser.email]);
  // Signed in from an English login page: the person's own language wins over the browser's.
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(dutchUser.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible({ timeout: 60_000 });
  const nav = page.getByRole("navigation", { name: "Hoofdmenu" });
  await expect(nav.getByRole("link", { name: "Apparaten" })).toBeVisible();
  await expect(nav.getByRole("link", { name: /^Meldingen/ })).toBeVisible();
  await expect(page.getByText("Wat er nu aandacht nodig heeft")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Open meldingen" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sinds gisteren" })).toBeVisible();
  // The seed has a warranty ending within 30 days: its date in the Dutch style.
  await expect(page.getByTestId("expiring-warranties")).toContainText(DUTCH_DATE);

  await nav.getByRole("link", { name: "Apparaten" }).click();
  await expect(page.getByRole("heading", { name: "Apparaten" })).toBeVisible();
  await expect(page.getByLabel("Zoeken", { exact: true })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Gezondheid/ })).toBeVisible();
  await expect(page.getByText(/\d+ apparaten/).first()).toBeVisible();

  await nav.getByRole("link", { name: /^Meldingen/ }).click();
  await expect(page.getByRole("heading", { name: "Meldingen" })).toBeVisible();
  await expect(page.getByLabel("Ernst")).toBeVisible();
});

test("an English person still sees English", async ({ page }) => {
  await signIn(page, "technician");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Open alerts" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});
