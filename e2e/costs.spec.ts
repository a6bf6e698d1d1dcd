import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("a farm manager reads the month's costs, the forecast, and changes a unit price", async ({ page }) => {
  await signIn(page, "manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Costs" }).click();
  await expect(page.getByRole("heading", { name: "Costs", level: 1 })).toBeVisible();
  await expect(page.getByText("Total so far")).toBeVisible();
  const categories = page.getByRole("list", { name: "Costs by category" });
  for (const name of ["Data", "Power", "Batteries", "Maintenance", "Amortisation"]) await expect(categories.getByText(name, { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Last 12 months" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /over the next 3 months/ })).toBeVisible();

  // six months ahead, each part explained
  await page.getByRole("navigation", { name: "Forecast length" }).getByRole("link", { name: "6 months" }).click();
  await expect(page).toHaveURL(/forecast=6/);
  await expect(page.getByRole("heading", { name: /over the next 6 months/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Forecast by part and month" }).getByRole("columnheader")).toHaveCount(7);
  await expect(page.getByText("How each part is forecast")).toBeVisible();

  // last month, from the month picker in the address
  const now = new Date();
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await page.getByLabel("Month").fill(previous);
  await expect(page).toHaveURL(new RegExp(`month=${previous}`));
  await expect(page.getByText("Total", { exact: true })).toBeVisible();

  // the farm's unit prices: a negative price is refused beside its field, a good one is saved
  await page.getByRole("link", { name: "Unit prices" }).click();
  await expect(page.getByRole("heading", { name: "Unit prices · Green Valley Dairy" })).toBeVisible();
  await page.getByLabel("Data, per MB").fill("-1");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(page.getByText("Must be 0 or more")).toBeVisible();
  await page.getByLabel("Data, per MB").fill("0.02");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(page.getByText("Prices saved. The cost reports use them now.")).toBeVisible();
  const farmId = new URL(page.url()).searchParams.get("farm");
  const rates = await page.request.get(`/api/v1/farms/${farmId}/cost-rates`);
  expect(await rates.json()).toMatchObject({ dataPerMb: 0.02, isDefault: false });

  // back to the default, so the demo reads as before
  await page.getByLabel("Data, per MB").fill("0.01");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(page.getByText("Prices saved. The cost reports use them now.")).toBeVisible();
});

test("technicians and viewers do not see costs", async ({ page }) => {
  await signIn(page, "technician");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Costs" })).toHaveCount(0);
  await page.goto("/costs");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  expect((await page.request.get("/api/v1/costs/summary")).status()).toBe(403);
});
