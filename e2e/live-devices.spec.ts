import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("simulated devices report over MQTT and their last seen moves in the devices list", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/devices");
  // The worker stores telemetry from the simulator; the list refreshes by itself.
  await expect(page.getByTestId("last-seen").filter({ hasText: /just now|s ago/ }).first()).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole("table").getByText("Online").first()).toBeVisible();
  await page.goto("/");
  // Role queries and visible-only filters: Next keeps a hidden copy of a previous route mounted.
  await expect(page.getByRole("heading", { name: "Recently heard from" })).toBeVisible();
  await expect(page.getByText("No device has reported yet").filter({ visible: true })).toHaveCount(0);
});
