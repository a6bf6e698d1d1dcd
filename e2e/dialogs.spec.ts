import { expect, test, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

/** Whether the focused element is inside the locator's element (or is it). */
function focusInside(dialog: Locator) {
  return dialog.evaluate((element) => element === document.activeElement || element.contains(document.activeElement));
}

async function focusedName(page: Page) {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return active ? `${active.tagName.toLowerCase()}[${active.getAttribute("type") ?? ""}] ${active.getAttribute("aria-label") ?? active.textContent?.trim().slice(0, 40) ?? ""}` : "nothing";
  });
}

test("the label scanner keeps Tab inside while open, closes on Esc and gives the focus back to its button", async ({ page }) => {
  await signIn(page, "technician");
  await page.goto("/provisioning");
  const opener = page.getByRole("button", { name: "Scan label" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const scanner = page.getByRole("dialog", { name: "Scan the device label" });
  await expect(scanner).toBeVisible();
  await expect(scanner.getByText("Camera not available.")).toBeVisible();

  // Forward through every control and round again: the focus never reaches the page behind.
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    expect(await focusInside(scanner), `Tab ${i + 1} left the dialog for ${await focusedName(page)}`).toBe(true);
    seen.add(await focusedName(page));
  }
  // Close, photo, typed label, submit: all reached, and nothing else.
  expect(seen.size).toBeGreaterThanOrEqual(4);
  expect([...seen].some((name) => name.includes("Close scanner"))).toBe(true);
  // Backwards too.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await focusInside(scanner), `Shift+Tab ${i + 1} left the dialog for ${await focusedName(page)}`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(scanner).toBeHidden();
  await expect(opener).toBeFocused();

  // The close button gives the focus back as well.
  await opener.click();
  await expect(scanner).toBeVisible();
  await scanner.getByRole("button", { name: "Close scanner" }).click();
  await expect(scanner).toBeHidden();
  await expect(opener).toBeFocused();
});
