import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "../prisma/seed";
import { demoUser, streamSettled } from "./fixtures";

/**
 * An admin moves a spare from Green Valley Dairy's store to Hillside Meadow Farm, and downloads the
 * inventory report. The spare is put on the shelf through the database (a registered device that
 * has never connected: no last_seen), so the spec does not depend on the registration screens.
 */

function serverDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  if (process.env.DATABASE_URL && process.env.E2E_PORT !== "3000") return process.env.DATABASE_URL;
  const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? (process.env.E2E_PORT === "3000" ? ".data/dev" : ".data/e2e"));
  const password = readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim();
  const port = readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/smart_dairy`;
}

/**
 * Signs the admin in and goes straight on: the dashboard this lands on renders a fleet's charts,
 * which on a loaded machine outlasts the fixture's wait for its heading; this spec is about inventory.
 */
async function signInAsAdmin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(demoUser("admin").email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 45_000 });
}

let client: pg.Client;
const spare = `MM${900_000 + Math.floor(Math.random() * 99_999)}`;

test.beforeAll(async () => {
  client = new pg.Client({ connectionString: serverDatabaseUrl() });
  await client.connect();
  await client.query(
    `INSERT INTO devices (device_id, name, device_type, state, farm_id, storage_location, supplier, unit_cost, purchase_date, warranty_end, updated_at)
     SELECT $1, 'Spare milk meter (e2e)', 'milk_meter', 'registered', f.id, 'GVD store, shelf B2', 'DeLaval', 480.00, current_date - 30, current_date + 700, now()
       FROM farms f WHERE f.code = 'GVD'`,
    [spare],
  );
});

test.afterAll(async () => {
  await client.query("DELETE FROM audit_events WHERE entity_type = 'device' AND entity_id = $1", [spare]);
  await client.query("DELETE FROM devices WHERE device_id = $1", [spare]);
  await client.end();
});

test("an admin transfers a spare from the store to another farm", async ({ page }) => {
  // five pages, the device page among them: more than a minute on a loaded machine
  test.slow();
  await signInAsAdmin(page);
  await page.goto("/inventory/stock");
  await expect(page.getByRole("heading", { name: "Stock" })).toBeVisible();
  await streamSettled(page);
  await page.getByLabel(`Select ${spare}`).check();
  await page.getByRole("button", { name: "Transfer selected…" }).click();

  await expect(page).toHaveURL(/\/inventory\/transfers\?devices=/);
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Transfer devices" }) });
  await expect(form.getByRole("checkbox", { name: new RegExp(spare) })).toBeChecked();
  // without a farm the form says so beside the field, and nothing moves
  await form.getByRole("button", { name: "Transfer devices" }).click();
  await expect(form.getByText("Pick the farm to move to")).toBeVisible();

  await form.getByLabel("Target farm", { exact: true }).selectOption({ label: "Hillside Meadow Farm" });
  await form.getByLabel("Target group", { exact: true }).selectOption({ label: "No group" });
  await form.getByLabel("Storage location at the target farm").fill("HMF workshop, cabinet 3");
  await form.getByLabel("Reason", { exact: true }).fill("Spare for the new parlour");
  await form.getByRole("button", { name: "Transfer devices" }).click();
  await expect(form.getByRole("status")).toContainText(`Moved ${spare} to Hillside Meadow Farm`);

  // the history lists it, and the device page shows where it went
  await page.reload();
  const row = page.getByRole("row", { name: new RegExp(spare) }).first();
  await expect(row).toContainText("Green Valley Dairy");
  await expect(row).toContainText("Hillside Meadow Farm");
  await expect(row).toContainText("Spare for the new parlour");
  await page.goto(`/devices/${spare}`);
  const asset = page.getByRole("region", { name: "Asset record" });
  await expect(asset).toContainText("HMF workshop, cabinet 3");
  await expect(asset.getByRole("row", { name: /Spare for the new parlour/ })).toContainText("Hillside Meadow Farm");
});

test("the inventory report downloads as CSV", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/inventory");
  await expect(page.getByRole("heading", { name: "Inventory", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Green Valley Dairy/ })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^inventory-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8").trim().split("\n");
  expect(csv[0]).toBe("farm_code,farm_name,device_type,total,in_stock,in_use,in_maintenance,suspended,retired,in_warranty,warranty_expiring,warranty_expired,warranty_void,purchase_value,book_value,currency");
  expect(csv.some((line) => line.startsWith("GVD,Green Valley Dairy,milk_meter,"))).toBe(true);
  expect(csv.at(-1)).toMatch(/^ALL,All farms,all,\d+,/);
});
