/**
 * A technician calibrates a milk meter from a phone (issue 17): the farm manager has planned a
 * calibration of the meter for today and given it to Priya; on her phone she opens My work today,
 * starts the job with one tap (the meter goes into maintenance mode), records the readings against
 * the reference, the part she used and her time, finishes, and sees the meter's next calibration
 * date move a quarter ahead. The manager's plan is made through the plan form, in its own browser.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

const METER = "MM004";
/** Milk meters calibrate every 90 days (lib/calibration/calibration-rules.ts). */
const MILK_METER_INTERVAL_DAYS = 90;

type DeviceJson = { maintenanceMode: boolean; nextCalibrationDue: string | null; farm?: { timezone?: string } };

async function readMeter(page: Page): Promise<DeviceJson> {
  const response = await page.request.get(`/api/v1/devices/${METER}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as DeviceJson;
}

/** "3 Mar 2027": how the pages write a calendar date. */
function dateWords(day: Date): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", dateStyle: "medium" }).format(day);
}

/** The farm manager plans today's calibration of the meter for Priya, on a desktop browser. */
async function planTodaysCalibration(browser: Browser, baseURL: string): Promise<number> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  try {
    await signIn(page, "manager");
    await page.goto(`/maintenance/plans/new?device=${METER}&type=calibration`);
    const form = page.getByRole("form", { name: "Plan maintenance" });
    await expect(form.getByLabel("Device", { exact: true })).toHaveValue(METER);
    await form.getByRole("radio", { name: "Once" }).check();
    await form.getByLabel("Assigned to").selectOption({ label: "Priya Nair (technician)" });
    await form.getByLabel("Name").fill(`Calibration of ${METER} before the milk recording`);
    await form.getByRole("button", { name: "Create plan" }).click();
    await expect(page.getByText("Plan saved.")).toBeVisible();
    const work = page.getByTestId("plan-upcoming").getByRole("link").first();
    await expect(work).toContainText(METER);
    const id = Number((await work.getAttribute("href"))!.split("/").pop());
    expect(id).toBeGreaterThan(0);
    return id;
  } finally {
    await context.close();
  }
}

test("a technician calibrates a milk meter from My work today on a phone and sees its next calibration move", async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const workId = await planTodaysCalibration(browser, baseURL!);

  await signIn(page, "technician");
  const before = await readMeter(page);
  await page.goto("/maintenance");
  await page.getByRole("navigation", { name: "Maintenance views" }).getByRole("link", { name: "My work today" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My work today" })).toBeVisible();

  // The job is on her list for today, with the two big buttons.
  const card = page.locator(`[data-testid="work-card"][data-maintenance-id="${workId}"]`);
  await expect(card).toBeVisible();
  await expect(card).toContainText(METER);
  await expect(card).toContainText("Calibration");
  const start = card.getByRole("button", { name: `Start work on ${METER}` });
  const startBox = await start.boundingBox();
  expect(startBox!.height).toBeGreaterThanOrEqual(44);

  // One tap starts it, and the meter is in maintenance mode while she works.
  await start.click();
  await expect(card.getByTestId("maintenance-status")).toHaveAttribute("data-status", "in_progress");
  await expect(page.getByTestId("today-in-progress")).toContainText(METER);
  expect((await readMeter(page)).maintenanceMode).toBe(true);

  await card.getByRole("link", { name: "Record & finish" }).click();
  await expect(page).toHaveURL(new RegExp(`/maintenance/${workId}#record$`));
  const form = page.getByRole("form", { name: "Record the work" });
  await expect(form).toBeVisible();

  // The readings against the 10 L test volume: 10.6 L before adjusting, 10.05 L after, ±0.2 L allowed.
  await form.getByLabel("Reference used").fill("10 L test volume");
  await form.getByLabel("Reference value").fill("10");
  await form.getByLabel("Unit", { exact: true }).fill("L");
  await form.getByLabel("Tolerance (±)").fill("0,2");
  await form.getByLabel("Reading before").fill("10.6");
  await form.getByLabel("Reading after").fill("10.05");
  // The verdict follows from the reading after, the reference and the tolerance.
  await expect(form.getByRole("radio", { name: "Passed" })).toBeChecked();

  await form.getByLabel("What was done").fill("Cleaned the measuring chamber, replaced the valve seals, adjusted the calibration factor.");
  await form.getByRole("button", { name: "+ Add a part" }).click();
  await form.getByRole("button", { name: "+ Add a part" }).click();
  const parts = form.getByTestId("part-row");
  await expect(parts).toHaveCount(2);
  await parts.nth(0).getByLabel("Part", { exact: true }).fill("Valve seal");
  await parts.nth(0).getByLabel("Part number").fill("VS-10");
  await parts.nth(0).getByLabel("Qty").fill("2");
  await parts.nth(0).getByLabel("Unit cost (EUR)").fill("3.50");
  // A row added by mistake goes again.
  await parts.nth(1).getByRole("button", { name: /Remove part 2/ }).click();
  await expect(parts).toHaveCount(1);
  await form.getByLabel("Time spent (minutes)").fill("35");
  await form.getByLabel("Labour cost (EUR)").fill("25");
  // 2 × 3.50 + 25
  await expect(form.getByTestId("record-total")).toContainText("€32.00");

  await form.getByRole("button", { name: "Record & finish" }).click();
  const banner = page.getByTestId("recorded-banner");
  await expect(banner).toContainText("Recorded and finished.");
  await expect(page.getByTestId("maintenance-status").first()).toHaveAttribute("data-status", "done");

  // The meter's next calibration moved to 90 days from today, and the page says from where.
  const after = await readMeter(page);
  expect(after.nextCalibrationDue).not.toBeNull();
  const todayUtc = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const expected = new Date(todayUtc.getTime() + MILK_METER_INTERVAL_DAYS * 86_400_000);
  expect(after.nextCalibrationDue!.slice(0, 10)).toBe(expected.toISOString().slice(0, 10));
  expect(after.nextCalibrationDue).not.toBe(before.nextCalibrationDue);
  await expect(page.getByTestId("calibration-moved")).toContainText(`now due ${dateWords(expected)}`);
  if (before.nextCalibrationDue) await expect(page.getByTestId("calibration-moved")).toContainText(`was ${dateWords(new Date(before.nextCalibrationDue))}`);
  await expect(page.getByTestId("device-next-calibration")).toHaveText(dateWords(expected));
  await expect(page.getByTestId("calibration-result")).toContainText("Calibration passed against 10 L test volume");
  await expect(page.getByTestId("work-total")).toHaveText("€32.00");
  // Finishing took the meter out of the maintenance mode the work had put it in (a mode someone
  // had set by hand before would have stayed).
  expect(after.maintenanceMode).toBe(before.maintenanceMode);

  // The device page's Maintenance tab has it in the history, with the cost.
  await page.getByRole("link", { name: new RegExp(`^${METER}`) }).first().click();
  await page.getByRole("tab", { name: /Maintenance/ }).click();
  const history = page.getByTestId("device-maintenance-history");
  await expect(history.getByRole("listitem").first()).toContainText("Calibration");
  await expect(history.getByRole("listitem").first()).toContainText("€32.00");
  await expect(history.getByRole("listitem").first()).toContainText("Priya Nair");
});
