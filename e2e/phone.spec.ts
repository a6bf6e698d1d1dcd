import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("a technician on a phone opens the menu and reaches provisioning", async ({ page }) => {
  await signIn(page, "technician");
  const menu = page.getByRole("button", { name: "Open menu" });
  await expect(menu).toBeVisible();
  await menu.click();
  await page.getByRole("dialog", { name: "Navigation" }).getByRole("link", { name: "Provision device" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Provision a device" })).toBeVisible();
  // Technicians are bound to their farm: the switcher shows it and cannot change it.
  await expect(page.getByLabel("Farm")).toBeDisabled();
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(390);
});
