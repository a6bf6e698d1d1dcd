import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("simulated devices report over MQTT and their last seen moves in the devices list", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/devices");
  // The worker stores telemetry from the simulator; the list refreshes by itself.
  await expect(page.getByTestId("last-seen").filter({ hasText: /just now|sec ago/ }).first()).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole("table").getByText("Online").first()).toBeVisible();
  await page.goto("/");
  // Visible-only: Next keeps a hidden copy of a previous route mounted. The dashboard counts them online.
  const online = page.locator('a[href="/devices?connection=online"]').filter({ visible: true });
  await expect(online.locator("p").nth(1)).toHaveText(/^[1-9]\d*$/);
});
