import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

/** The audit log (issue 18): an admin narrows it down by person and action, a manager sees their farm only. */
test.describe("audit log", () => {
  test("an admin filters by person and action, and the address carries the filters", async ({ page }) => {
    await signIn(page, "admin");
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const rows = page.locator("table [data-testid=audit-row]");
    await expect(rows.first()).toBeVisible();
    // The demo's history holds the worker's activations, the admin's own changes and the manager's.
    await expect(page.getByRole("table").getByText("Worker").first()).toBeVisible();

    const filters = page.getByRole("form", { name: "Filters" });
    await filters.getByLabel("Person", { exact: true }).selectOption({ label: "Lars Jensen (manager@smartdairy.example)" });
    await filters.getByLabel("Action", { exact: true }).selectOption("updated");
    await filters.getByRole("button", { name: "Apply" }).click();

    await expect(page).toHaveURL(/[?&]person=\d+/);
    await expect(page).toHaveURL(/[?&]action=updated/);
    await expect(rows.first()).toBeVisible();
    const count = await rows.count();
    expect(count).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < count; i++) {
      await expect(rows.nth(i)).toContainText("Lars Jensen");
      await expect(rows.nth(i)).toContainText("updated");
      await expect(rows.nth(i)).toContainText("Farm manager");
    }
    // Before → after in words, and the session it came through.
    await expect(page.getByRole("table")).toContainText("Parlour meter stall 1");
    await expect(page.getByRole("table")).toContainText("Session p7YtR2cM");

    // Reloading the address gives the same view; the export link carries the same filters.
    await page.reload();
    await expect(page.getByRole("form", { name: "Filters" }).getByLabel("Action", { exact: true })).toHaveValue("updated");
    await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /action=updated/);
    const csv = await page.request.get((await page.getByRole("link", { name: "Export CSV" }).getAttribute("href"))!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\n");
    expect(lines.length).toBe(count + 1);
    expect(lines.slice(1).every((line) => line.includes("manager@smartdairy.example") && line.includes("updated"))).toBe(true);
  });

  test("a manager sees only their farm's events; a technician is refused", async ({ page, browser }) => {
    await signIn(page, "manager");
    await page.goto("/admin/audit");
    await expect(page.locator("table [data-testid=audit-row]").first()).toBeVisible();
    // No farm to choose: their farm is the only one.
    await expect(page.getByRole("form", { name: "Filters" }).getByLabel("Farm", { exact: true })).toHaveCount(0);
    // Hillside's collar and the admin's API key (a record of every farm) are not theirs.
    await expect(page.getByRole("table")).not.toContainText("AC101");
    await expect(page.getByRole("table")).not.toContainText("API key 1");
    await expect(page.getByRole("table")).toContainText("MM001");

    const api = await page.request.get("/api/v1/audit-events?limit=500");
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { data: { farmId: number | null; farmName: string | null }[] };
    expect(body.data.length).toBeGreaterThan(0);
    expect(new Set(body.data.map((row) => row.farmName))).toEqual(new Set(["Green Valley Dairy"]));

    const other = await browser.newPage();
    await signIn(other, "technician");
    await other.goto("/admin/audit");
    await expect(other).toHaveURL(/\/forbidden/);
    await other.close();
  });
});
