import { expect, test } from "@playwright/test";
import { signIn, signOut } from "./fixtures";

test("a visitor without a session is sent to the login page", async ({ page }) => {
  await page.goto("/devices");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdevices/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").filter({ visible: true }).fill("manager@smartdairy.example");
  await page.getByLabel("Password").filter({ visible: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong e-mail or password.");
  await expect(page).toHaveURL(/\/login/);
});

test("an admin signs in, visits every area of the app and signs out", async ({ page }) => {
  await signIn(page, "admin");
  const areas: [string, string][] = [
    ["Devices", "Devices"],
    ["Provision device", "Provision a device"],
    ["Alerts", "Alerts"],
    ["Groups & tags", "Groups & tags"],
    ["Farm settings", "Farms"],
    ["Firmware", "Firmware versions"],
    ["Updates", "Updates"],
    ["Diagnostics & commands", "Diagnostics & commands"],
    ["Maintenance", "Maintenance"],
    ["Bulk import", "Bulk import"],
    ["Users", "Users"],
    ["API keys", "API keys"],
    ["Dashboard", "Dashboard"],
  ];
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [link, heading] of areas) {
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
  // The updates area lists update jobs (firmware and configuration) and offers scheduling to an admin.
  await nav.getByRole("link", { name: "Updates", exact: true }).click();
  await expect(page.getByRole("link", { name: "Schedule update" })).toBeVisible();
  await signOut(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("the farm switcher narrows the dashboard to one farm", async ({ page }) => {
  await signIn(page, "admin");
  const devicesKpi = page.getByText("Devices", { exact: true }).locator("..");
  const allFarms = Number(await devicesKpi.locator("p").nth(1).textContent());
  await page.getByLabel("Farm").filter({ visible: true }).selectOption({ label: "Green Valley Dairy" });
  await expect.poll(async () => Number(await devicesKpi.locator("p").nth(1).textContent())).toBeLessThan(allFarms);
  await page.getByLabel("Farm").filter({ visible: true }).selectOption({ label: "All farms" });
  await expect.poll(async () => Number(await devicesKpi.locator("p").nth(1).textContent())).toBe(allFarms);
});
