/**
 * Remote configuration on the device page (issue 16): a technician raises an environmental
 * sensor's ammonia alarm threshold, sees exactly what changes before confirming, finds the new
 * version in the history with its summary, compares two versions side by side and rolls back to the
 * earlier one after seeing what the rollback changes. An edit made from a page opened before
 * someone else's change is refused with "reload", not saved over it. A viewer reads only.
 * The demo's Green Valley Dairy has environmental sensors; this spec takes the first one listed.
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn, streamSettled } from "./fixtures";

async function firstSensor(page: Page): Promise<string> {
  const response = await page.request.get("/api/v1/devices?type=environmental&pageSize=25");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { data: { deviceId: string }[] };
  expect(body.data.length).toBeGreaterThan(0);
  return body.data[0]!.deviceId;
}

const section = (page: Page) => page.locator("#configuration");
const ammoniaHigh = (page: Page) => section(page).getByLabel(/^Ammonia high/);
const desiredVersion = async (page: Page) => Number(((await section(page).getByTestId("config-desired-version").textContent()) ?? "").match(/v(\d+)/)?.[1] ?? 0);

/** Changes the ammonia threshold by `step` through the form, reviews and saves it; returns [before, after, new version]. */
async function raiseAmmonia(page: Page, step: number): Promise<[number, number, number]> {
  const base = await desiredVersion(page);
  const before = Number(await ammoniaHigh(page).inputValue());
  const after = before + step;
  await ammoniaHigh(page).fill(String(after));
  await expect(section(page).locator('[data-setting="thresholds.ammonia_high"] [data-source="own"]')).toBeVisible();
  await section(page).getByRole("button", { name: "Review changes (1)" }).click();

  // exactly what changes, before anything is saved
  const review = section(page).getByTestId("config-review");
  await expect(review.getByRole("heading", { name: `Review: version ${base} → ${base + 1}` })).toBeVisible();
  const rows = review.getByTestId("config-review-diff").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-diff-path", "thresholds.ammonia_high");
  await expect(rows.first()).toContainText(`${before} ppm`);
  await expect(rows.first()).toContainText(`${after} ppm`);
  await review.getByLabel(/Reason/).fill(`e2e: ammonia ${after}`);
  await review.getByRole("button", { name: `Save as version ${base + 1}` }).click();

  await expect(section(page).getByRole("status").filter({ hasText: `Version ${base + 1} saved` })).toBeVisible();
  await expect(section(page).getByTestId("config-desired-version")).toContainText(`v${base + 1}`);
  const row = section(page).locator(`[data-version="${base + 1}"]`);
  await expect(row).toContainText("current");
  await expect(row).toContainText(`~ Changed thresholds.ammonia_high: ${before} -> ${after}`);
  await expect(row).toContainText(`Reason: e2e: ammonia ${after}`);
  await expect(ammoniaHigh(page)).toHaveValue(String(after));
  return [before, after, base + 1];
}

test("a technician changes a sensor's ammonia threshold after seeing the diff, compares versions and rolls back", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "technician");
  const sensor = await firstSensor(page);
  await page.goto(`/devices/${sensor}#configuration`);
  await expect(section(page).getByRole("heading", { name: "Configuration" })).toBeVisible();
  await expect(section(page).getByTestId("config-sync").locator("[data-sync-status]")).toBeVisible();

  const [original, first, firstVersion] = await raiseAmmonia(page, 1);
  const [, second, secondVersion] = await raiseAmmonia(page, 0.5);
  expect(first).toBe(original + 1);

  // the JSON view shows the value in force
  await section(page).getByRole("tab", { name: "JSON" }).click();
  await expect(section(page).getByTestId("config-json")).toContainText(`"ammonia_high": ${second}`);
  await section(page).getByRole("tab", { name: "Settings" }).click();

  // side by side: the two versions differ in that one setting
  await section(page).getByLabel("Compare from version").selectOption(String(firstVersion));
  await section(page).getByLabel("Compare to version").selectOption(String(secondVersion));
  await section(page).getByRole("button", { name: "Show differences" }).click();
  const compared = section(page).getByTestId("config-compare-diff").locator("tbody tr");
  await expect(compared).toHaveCount(1);
  await expect(compared.first()).toContainText(`${first} ppm`);
  await expect(compared.first()).toContainText(`${second} ppm`);

  // rollback: first what it changes, then a new version with the earlier values
  await section(page).locator(`[data-version="${firstVersion}"]`).getByRole("button", { name: `Roll back to v${firstVersion}…` }).click();
  const rollback = section(page).getByTestId("config-rollback");
  await expect(rollback.getByTestId("config-rollback-diff").locator("tbody tr")).toHaveCount(1);
  await expect(rollback.getByTestId("config-rollback-diff")).toContainText(`${second} ppm`);
  await expect(rollback.getByTestId("config-rollback-diff")).toContainText(`${first} ppm`);
  await rollback.getByLabel(/Reason/).fill("e2e: back to the first change");
  await rollback.getByRole("button", { name: `Roll back to v${firstVersion}` }).click();

  const rolledBack = secondVersion + 1;
  await expect(section(page).getByRole("status").filter({ hasText: `version ${rolledBack} has version ${firstVersion}'s values` })).toBeVisible();
  const row = section(page).locator(`[data-version="${rolledBack}"]`);
  await expect(row).toContainText(`Rollback of v${firstVersion}`);
  await expect(row).toContainText("current");
  await expect(ammoniaHigh(page)).toHaveValue(String(first));

  // put the threshold back where it was: the value inherited again
  await section(page).locator('[data-setting="thresholds.ammonia_high"]').getByRole("button", { name: /Use inherited/ }).click();
  await section(page).getByRole("button", { name: "Review changes (1)" }).click();
  await expect(section(page).getByTestId("config-review-diff")).toContainText("back to the inherited value");
  await section(page).getByRole("button", { name: `Save as version ${rolledBack + 1}` }).click();
  await expect(ammoniaHigh(page)).toHaveValue(String(original));
});

test("an edit from a page opened before someone else's change is refused with a reload, and a bad value is shown at its field", async ({ context }) => {
  test.setTimeout(120_000);
  // two tabs of the same technician: the second saves while the first is still open
  const first = await context.newPage();
  await signIn(first, "technician");
  const second = await context.newPage();
  const sensor = await firstSensor(first);
  await first.goto(`/devices/${sensor}#configuration`);
  await second.goto(`/devices/${sensor}#configuration`);

  // a value the schema refuses (above the critical level) is named at its field, nothing saved
  const critical = Number(await section(first).getByLabel(/^Ammonia critical/).inputValue());
  const base = await desiredVersion(first);
  await ammoniaHigh(first).fill(String(critical + 1));
  await section(first).getByRole("button", { name: "Review changes (1)" }).click();
  await section(first).getByRole("button", { name: `Save as version ${base + 1}` }).click();
  await expect(section(first).locator('[data-setting="thresholds.ammonia_critical"]')).toContainText(/must be above/);
  await expect(section(first).getByTestId("config-desired-version")).toContainText(base === 0 ? "none yet" : `v${base}`);

  // someone else saves meanwhile
  const other = Number(await ammoniaHigh(second).inputValue());
  await ammoniaHigh(second).fill(String(other - 1));
  await section(second).getByRole("button", { name: "Review changes (1)" }).click();
  await section(second).getByRole("button", { name: `Save as version ${base + 1}` }).click();
  await expect(section(second).getByRole("status").filter({ hasText: `Version ${base + 1} saved` })).toBeVisible();

  // the first page still starts from the old version: refused, told to reload
  await ammoniaHigh(first).fill(String(other + 1));
  await section(first).getByRole("button", { name: "Review changes (1)" }).click();
  await section(first).getByRole("button", { name: `Save as version ${base + 1}` }).click();
  const alert = section(first).getByRole("alert");
  await expect(alert).toContainText("Someone changed this configuration meanwhile");
  await alert.getByRole("button", { name: /Reload/ }).click();
  await expect(section(first).getByTestId("config-desired-version")).toContainText(`v${base + 1}`);
  await expect(ammoniaHigh(first)).toHaveValue(String(other - 1));

  // leave the sensor inheriting its threshold again
  await section(first).locator('[data-setting="thresholds.ammonia_high"]').getByRole("button", { name: /Use inherited/ }).click();
  await section(first).getByRole("button", { name: "Review changes (1)" }).click();
  await section(first).getByRole("button", { name: `Save as version ${base + 2}` }).click();
  await expect(section(first).getByTestId("config-desired-version")).toContainText(`v${base + 2}`);
});

test("a viewer reads a device's configuration but cannot change it", async ({ page }) => {
  await signIn(page, "viewer");
  const sensor = await firstSensor(page);
  await page.goto(`/devices/${sensor}#configuration`);
  await streamSettled(page);
  await expect(section(page).getByText("Read only")).toBeVisible();
  await expect(ammoniaHigh(page)).toBeDisabled();
  await expect(section(page).getByRole("button", { name: /Review changes/ })).toHaveCount(0);
  await expect(section(page).getByRole("button", { name: /Roll back/ })).toHaveCount(0);
});

test("a farm manager changes the farm's ammonia threshold and health profile for its environmental sensors after seeing what it reaches", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Farm settings", exact: true }).click();
  await expect(page).toHaveURL(/\/farms\/\d+/);
  await page.getByRole("navigation", { name: "Device types" }).getByRole("link", { name: /Environmental Sensor/ }).click();
  const editor = page.getByTestId("layer-editor");
  await expect(editor).toHaveAttribute("data-device-type", "environmental");
  const before = Number(await editor.getByLabel(/^Ammonia high/).inputValue());
  await editor.getByLabel(/^Ammonia high/).fill(String(before + 2));
  await editor.getByLabel(/^Profile/).selectOption("i013");
  await editor.getByRole("button", { name: "Review changes (2)" }).click();

  const review = editor.getByTestId("layer-review");
  await expect(review).toContainText(/This reaches \d+ devices?/);
  await expect(review.locator('[data-diff-path="thresholds.ammonia_high"]')).toContainText(`${before + 2} ppm`);
  await expect(review.locator('[data-diff-path="cpu_warning_above_pct"]')).toContainText("70 %");
  await review.getByRole("button", { name: "Save" }).click();
  await expect(editor.getByRole("status")).toContainText("Saved");
  await expect(editor.locator('[data-setting="thresholds.ammonia_high"] [data-source="own"]')).toBeVisible();

  // leave the farm inheriting everything again
  page.once("dialog", (dialog) => void dialog.accept());
  await editor.getByRole("button", { name: "Remove all own settings…" }).click();
  await expect(editor.getByRole("status")).toContainText("Removed");
  await expect(editor.getByLabel(/^Ammonia high/)).toHaveValue(String(before));
});
