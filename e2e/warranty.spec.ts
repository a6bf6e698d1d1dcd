import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD } from "../prisma/seed";
import { demoUser } from "./fixtures";

/**
 * A failed collar's warranty claim as an admin files and closes it: from the device page's Warranty
 * section, through the claim form's eligibility, the supplier's RMA number, the approval and the
 * close with what the supplier covered, to the claims list. The demo collars carry a two-year
 * warranty (seed), so the claim is eligible. Each run files a new claim: nothing to put back.
 */
const COLLAR = "AC004";

test("an admin files a warranty claim for a collar and closes it", async ({ page }) => {
  // Six steps, each a page load or a server action: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  // The fixtures' sign-in, with the patience a loaded machine needs for the first dashboard.
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(demoUser("admin").email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible({ timeout: 60_000 });
  await page.goto(`/devices/${COLLAR}`);
  const warranty = page.locator("section#warranty");
  await expect(warranty.getByRole("heading", { name: "Warranty" })).toBeVisible();
  await expect(warranty.getByTestId("warranty-summary")).toContainText("Active");
  await warranty.getByRole("link", { name: "File claim" }).click();

  await expect(page).toHaveURL(new RegExp(`/inventory/warranty/claims/new\\?device=${COLLAR}`));
  const form = page.getByRole("form", { name: "File a claim" });
  // A choice made before the form has hydrated is reset by React: choose until the form answers.
  await expect(async () => {
    await form.getByLabel("Issue").selectOption("water_damage");
    await expect(form.getByTestId("claim-eligibility")).toContainText("Not eligible: Water damage is not covered", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await form.getByLabel("Issue").selectOption("sensor_failure");
  await expect(form.getByTestId("claim-eligibility")).toContainText("Eligible.");
  await form.getByRole("button", { name: "File claim" }).click();
  await expect(form.getByText("A description of the issue is required")).toBeVisible();
  await form.getByLabel("What is wrong").fill("Rumination sensor reads zero since the last firmware update; restart did not help.");
  await form.getByRole("button", { name: "File claim" }).click();

  await expect(page).toHaveURL(/\/inventory\/warranty\/claims\/\d+\?filed=1/);
  const number = (await page.getByRole("heading", { level: 1 }).textContent())!.trim();
  expect(number).toMatch(/^WC-\d{6}$/);
  await expect(page.getByText(`Claim filed. Quote ${number} to the supplier.`)).toBeVisible();

  const step = page.getByRole("form", { name: "Next step" });
  await step.getByRole("button", { name: "Mark submitted" }).click();
  await expect(step.getByText("The RMA number is required")).toBeVisible();
  await step.getByLabel("RMA number").fill("RMA-HP-20931");
  await step.getByRole("button", { name: "Mark submitted" }).click();
  await expect(page.getByTestId("claim-steps")).toContainText("Submitted ·");
  await expect(page.getByText("RMA-HP-20931").first()).toBeVisible();

  await page.getByRole("form", { name: "Next step" }).getByRole("button", { name: "Approved" }).click();
  const close = page.getByRole("form", { name: "Next step" });
  await expect(close.getByRole("button", { name: "Close claim" })).toBeVisible();
  await close.getByLabel("Resolution", { exact: true }).selectOption("replaced");
  await close.getByLabel(/Cost covered/).fill("-4");
  await close.getByRole("button", { name: "Close claim" }).click();
  await expect(close.getByText("The cost covered cannot be negative")).toBeVisible();
  await close.getByLabel(/Cost covered/).fill("149.00");
  await close.getByLabel("Resolution notes").fill("Supplier sent a new collar.");
  await close.getByRole("button", { name: "Close claim" }).click();
  await expect(page.getByTestId("claim-steps")).toContainText("Closed ·");
  await expect(page.getByRole("form", { name: "Next step" })).toHaveCount(0);
  await expect(page.getByText("€149.00")).toBeVisible();

  await page.goto("/inventory/warranty?status=closed");
  await expect(page.getByRole("link", { name: number })).toBeVisible();
  await page.goto(`/devices/${COLLAR}`);
  await expect(page.locator("section#warranty").getByRole("link", { name: number })).toBeVisible();
});
