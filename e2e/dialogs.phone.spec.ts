import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("on a phone the navigation drawer keeps Tab inside, closes on Esc and gives the focus back to the menu button", async ({ page }) => {
  await signIn(page, "manager");
  const opener = page.getByRole("button", { name: "Open menu" });
  await opener.click();
  const drawer = page.getByRole("dialog", { name: "Navigation" });
  await expect(drawer).toBeVisible();
  const links = await drawer.getByRole("link").count();
  for (let i = 0; i < links + 3; i++) {
    await page.keyboard.press("Tab");
    expect(await drawer.evaluate((element) => element.contains(document.activeElement)), `Tab ${i + 1} left the drawer`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(opener).toBeFocused();
});
