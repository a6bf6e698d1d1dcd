/**
 * A farm manager plans maintenance in the calendar (issue 17): moves through months and weeks,
 * plans the quarterly calibration of the parlour's milk meters for Priya, is told beside the field
 * when the dates are out of order, sees the work on its day in the calendar, and narrows the list
 * with filters kept in the URL. The plan is stopped at the end, which cancels its work ahead.
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

// The dev database may be shared between runs: this run's plan carries this suffix.
const suffix = Date.now().toString(36).toUpperCase();
const DAY = 86_400_000;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const monthTitle = (date: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" }).format(date);
const addMonthsUtc = (date: Date, months: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));

/** The farm's today (Green Valley Dairy is in Amsterdam). */
function farmToday(): Date {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  return new Date(`${day}T00:00:00Z`);
}

async function planIdsNamed(page: Page, name: string): Promise<number[]> {
  const response = await page.request.get("/api/v1/maintenance-plans?active=all&pageSize=200");
  if (!response.ok()) return [];
  const body = (await response.json()) as { data: { id: number; name: string; active: boolean }[] };
  return body.data.filter((plan) => plan.name === name && plan.active).map((plan) => plan.id);
}

test.beforeEach(async ({ page }) => {
  await signIn(page, "manager");
});

test("the maintenance calendar moves by month and week, and back to today", async ({ page }) => {
  const today = farmToday();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Maintenance" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Maintenance" })).toBeVisible();
  await expect(page.getByText("Not built yet")).toHaveCount(0);
  const title = page.getByTestId("calendar-title");
  await expect(title).toHaveText(monthTitle(today));
  // Today is marked in the grid.
  await expect(page.getByTestId("calendar-grid").locator(`[data-day="${isoDay(today)}"] [aria-current="date"]`)).toBeVisible();

  await page.getByRole("link", { name: "Next month" }).click();
  await expect(title).toHaveText(monthTitle(addMonthsUtc(today, 1)));
  await page.getByRole("link", { name: "Next month" }).click();
  await expect(title).toHaveText(monthTitle(addMonthsUtc(today, 2)));
  await expect(page).toHaveURL(new RegExp(`date=${isoDay(addMonthsUtc(today, 2))}`));
  await page.getByRole("link", { name: "Previous month" }).click();
  await expect(title).toHaveText(monthTitle(addMonthsUtc(today, 1)));

  // The week view keeps the day in the URL: the first week of that month, Monday first.
  await page.getByRole("group", { name: "Calendar view" }).getByRole("link", { name: "Week" }).click();
  await expect(page).toHaveURL(/view=week/);
  const week = page.getByTestId("calendar-grid");
  await expect(week).toHaveAttribute("data-view", "week");
  await expect(week.locator("[data-day]")).toHaveCount(7);
  const firstDay = (await week.locator("[data-day]").first().getAttribute("data-day"))!;
  expect(new Date(`${firstDay}T00:00:00Z`).getUTCDay()).toBe(1);
  await page.getByRole("link", { name: "Next week" }).click();
  await expect(week.locator("[data-day]").first()).toHaveAttribute("data-day", isoDay(new Date(new Date(`${firstDay}T00:00:00Z`).getTime() + 7 * DAY)));

  await page.getByRole("link", { name: "Today", exact: true }).click();
  await expect(week.locator(`[data-day="${isoDay(today)}"]`)).toBeVisible();
  await page.getByRole("group", { name: "Calendar view" }).getByRole("link", { name: "Month" }).click();
  await expect(title).toHaveText(monthTitle(today));
});

test("a farm manager plans a recurring calibration for the parlour group and finds it in the calendar and the list", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `Quarterly meter calibration ${suffix}`;
  const start = new Date(farmToday().getTime() + 9 * DAY);
  try {
    await page.goto("/maintenance");
    await page.getByRole("link", { name: "Plan work" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Plan maintenance" })).toBeVisible();
    const form = page.getByRole("form", { name: "Plan maintenance" });

    await form.getByLabel("Type of work").selectOption({ label: "Calibration" });
    await form.getByRole("radio", { name: "A group (with its subgroups)" }).check();
    const group = form.getByLabel("Group", { exact: true });
    await group.selectOption((await group.locator("option", { hasText: "Milking parlour" }).first().getAttribute("value"))!);
    // The milk meter's usual calibration fills in the rhythm, the time and the description.
    await expect(form.getByTestId("plan-defaults")).toContainText("calibration every 3 months");
    await expect(form.getByRole("radio", { name: "Repeats" })).toBeChecked();
    await expect(form.getByLabel("How many")).toHaveValue("3");
    await expect(form.getByLabel("Unit")).toHaveValue("months");
    await expect(form.getByLabel("Expected time per device (minutes)")).toHaveValue("30");
    await expect(form.getByLabel("Description")).not.toHaveValue("");

    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Assigned to").selectOption({ label: "Priya Nair (technician)" });
    await form.getByLabel("First date").fill(isoDay(start));
    // The next dates show before anything is saved: every 3 months from the first date.
    await expect(form.getByTestId("plan-preview")).toContainText(new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" }).format(start));

    // Dates out of order are refused beside the field, and nothing is made.
    await form.getByLabel("Until (optional)").fill(isoDay(new Date(start.getTime() - 30 * DAY)));
    await form.getByRole("button", { name: "Create plan" }).click();
    await expect(form.getByText("The end date must be on or after the first date")).toBeVisible();
    await expect(form.getByLabel("Until (optional)")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Name")).toHaveValue(name);
    expect(await planIdsNamed(page, name)).toEqual([]);

    await form.getByLabel("Until (optional)").fill("");
    await form.getByRole("button", { name: "Create plan" }).click();
    await expect(page.getByText("Plan saved.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const upcoming = page.getByTestId("plan-upcoming").getByRole("listitem");
    await expect(upcoming.first()).toContainText("MM");
    const planId = Number(new URL(page.url()).pathname.split("/").pop());

    // The calendar shows the parlour's meters on the first date, in the week and the month view.
    await page.goto(`/maintenance?view=week&date=${isoDay(start)}&plan=${planId}`);
    const day = page.getByTestId("calendar-grid").locator(`[data-day="${isoDay(start)}"]`);
    await expect(day.getByTestId("calendar-entry").first()).toContainText("Calibration");
    await expect(day.getByTestId("calendar-entry").first()).toContainText("MM");
    const meters = await day.getByTestId("calendar-entry").count();
    expect(meters).toBeGreaterThan(0);
    await page.getByRole("group", { name: "Calendar view" }).getByRole("link", { name: "Month" }).click();
    await expect(page.getByTestId("calendar-grid").locator(`[data-day="${isoDay(start)}"]`).getByTestId("calendar-entry").first()).toBeVisible();

    // The list, narrowed with filters that stay in the URL.
    await page.goto("/maintenance/list");
    await page.getByLabel("Type").selectOption({ label: "Calibration" });
    await expect(page).toHaveURL(/type=calibration/);
    await page.getByLabel("Assigned to").selectOption({ label: "Priya Nair" });
    await expect(page).toHaveURL(/assignee=\d+/);
    await page.getByLabel("Due").selectOption({ label: "Upcoming (today on)" });
    await expect(page).toHaveURL(/due=upcoming/);
    const rows = page.getByTestId("maintenance-row").filter({ visible: true });
    await expect(rows.first()).toContainText("Calibration");
    for (const row of await rows.all()) {
      await expect(row).toContainText("Calibration");
      await expect(row).toContainText("Priya Nair");
    }
    // The plan's own work, from its page's link.
    await page.goto(`/maintenance/plans/${planId}`);
    await page.getByRole("link", { name: "All work of this plan" }).click();
    await expect(page).toHaveURL(new RegExp(`plan=${planId}`));
    await expect(page.getByTestId("maintenance-row").filter({ visible: true }).first()).toContainText(name);

    // "Overdue" in the list is what the summary chip counts.
    await page.goto("/maintenance/list");
    // While the streamed page settles its markup can briefly be in the document twice, once hidden.
    const overdueChip = page.getByTestId("summary-overdue").filter({ visible: true }).first();
    const overdue = Number((await overdueChip.innerText()).replace(/\D+/g, ""));
    await overdueChip.click();
    await expect(page).toHaveURL(/due=overdue/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.getByTestId("maintenance-row").filter({ visible: true }).count()).toBe(Math.min(overdue, 50));

    // Stopping the plan cancels its work ahead.
    await page.goto(`/maintenance/plans/${planId}`);
    await page.getByRole("button", { name: "Stop plan…" }).click();
    await page.getByRole("alertdialog", { name: "Stop this plan?" }).getByRole("button", { name: "Yes, stop the plan" }).click();
    await expect(page.getByText("Stopped", { exact: true })).toBeVisible();
    await page.goto(`/maintenance/list?plan=${planId}&status=scheduled`);
    await expect(page.getByText("No maintenance matches these filters")).toBeVisible();
  } finally {
    for (const id of await planIdsNamed(page, name)) await page.request.delete(`/api/v1/maintenance-plans/${id}`);
  }
});
