/**
 * A configuration campaign from the wizard (issue 16): a farm manager picks two environmental
 * sensors, changes one threshold (seeing what they run now), chooses a rolling rollout and starts it; the job page says it is
 * a configuration change with its strategy and lists both devices; the /updates list shows its type.
 * Then the manager cancels it, so the demo's later specs find no campaign holding these sensors.
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("a manager starts a configuration campaign from the wizard and finds it in Updates with its type", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "manager");
  const response = await page.request.get("/api/v1/devices?type=environmental&pageSize=50");
  expect(response.status()).toBe(200);
  const { data } = (await response.json()) as { data: { deviceId: string }[] };
  // The last two sensors: not the ones the device-page spec edits, nor the demo's rejecting ES002.
  const sensors = data.map((device) => device.deviceId).filter((id) => id !== "ES002").slice(-2);
  expect(sensors).toHaveLength(2);

  await page.goto(`/updates/new?kind=configuration&devices=${sensors.join(",")}`);
  await expect(page.getByRole("heading", { level: 1, name: "Change configuration" })).toBeVisible();
  const form = page.getByRole("form", { name: "Change configuration" });
  await expect(form.getByTestId("cfg-target-preview")).toContainText("2 devices match");

  const ammonia = form.getByLabel(/^Ammonia high/);
  const before = Number(await ammonia.inputValue());
  await ammonia.fill(String(before + 1));
  // What changes is what the chosen devices run now (their farm's and groups' values), not the type's default.
  await expect(form.getByTestId("cfg-change-preview")).toContainText(`on 2 devices`);
  await expect(form.getByTestId("cfg-change-preview")).toContainText(new RegExp(`Ammonia high: [\\d.]+ ppm on \\d devices? → ${before + 1} ppm`));
  await form.getByLabel(/^Reason/).fill("e2e: campaign");
  await form.getByRole("radio", { name: /^Rolling/ }).check();

  page.once("dialog", (dialog) => void dialog.accept());
  await form.getByRole("button", { name: "Start configuration campaign" }).click();
  await expect(page).toHaveURL(/\/updates\/\d+$/, { timeout: 30_000 });
  const jobId = page.url().match(/\/updates\/(\d+)$/)![1];

  await expect(page.getByText(/Rolling batches/).first()).toBeVisible();
  await expect(page.getByText("thresholds.ammonia_high").first()).toBeVisible();
  for (const sensor of sensors) await expect(page.getByRole("link", { name: sensor }).first()).toBeVisible();

  await page.goto("/updates");
  // One list for phones, one table for wider screens: the visible one.
  const item = page.locator(`a[href="/updates/${jobId}"]`).filter({ visible: true }).first();
  await expect(item).toContainText("thresholds.ammonia_high");

  await page.goto(`/updates/${jobId}`);
  await page.getByRole("group", { name: "Actions" }).getByRole("button", { name: /^Cancel/ }).click();
  await page.getByRole("button", { name: /^Confirm: cancel/ }).click();
  await expect(page.getByRole("status").filter({ hasText: /cancel/i }).first()).toBeVisible({ timeout: 30_000 });
});
