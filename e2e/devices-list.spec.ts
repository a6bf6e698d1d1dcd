import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("a farm manager narrows the devices list, and the view lives in the link", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/devices");
  const table = page.getByRole("table");

  // the filter grid is folded away (its active filters show as chips) until asked for
  await page.getByRole("button", { name: /^Filters/ }).click();
  await page.getByLabel("Type", { exact: true }).filter({ visible: true }).selectOption("milk_meter");
  await expect(page).toHaveURL(/type=milk_meter/);
  await page.getByRole("searchbox", { name: "Search" }).fill("MM00");
  await expect(page).toHaveURL(/q=MM00/);
  await expect(table.getByRole("row")).not.toHaveCount(1);
  for (const type of await table.locator("tbody tr td:nth-child(3)").allTextContents()) expect(type).toBe("Milk Meter");

  await table.getByRole("link", { name: /Battery/ }).click();
  await expect(page).toHaveURL(/sort=battery/);
  await expect(table.getByRole("columnheader", { name: /Battery/ })).toHaveAttribute("aria-sort", "ascending");

  await page.getByLabel("Group by").filter({ visible: true }).selectOption("health");
  await expect(page.getByRole("region", { name: "By health" })).toBeVisible();

  // The same address, opened again, shows the same view.
  const shared = page.url();
  await page.goto("/");
  await page.goto(shared);
  await expect(page.getByLabel("Type", { exact: true })).toHaveValue("milk_meter");
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("MM00");
  await expect(page.getByRole("region", { name: "By health" })).toBeVisible();
});

test("a bad filter in the address is ignored with a note, not an error page", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/devices?type=cow&sort=colour");
  await expect(page.getByText(/not understood and were ignored: type, sort/).filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Devices" })).toBeVisible();
});

test("pages through the fleet", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/devices?pageSize=25&sort=deviceId");
  const firstPage = await page.getByRole("table").locator("tbody tr").first().textContent();
  // pages by cursor (keyset): the link carries where the page starts, not a page number
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByText(/26–/).filter({ visible: true })).toBeVisible();
  expect(await page.getByRole("table").locator("tbody tr").first().textContent()).not.toBe(firstPage);
  await page.getByRole("link", { name: "Previous" }).click();
  await expect(page.getByText(/^1–25/).filter({ visible: true })).toBeVisible();
  expect(await page.getByRole("table").locator("tbody tr").first().textContent()).toBe(firstPage);
  await expect(page.getByRole("link", { name: "Previous" })).toHaveCount(0);
  // an edited cursor is set aside with a note, like any parameter the list does not understand
  await page.goto("/devices?pageSize=25&cursor=garbled");
  await expect(page.getByText(/not understood and were ignored: cursor/).filter({ visible: true })).toBeVisible();
});

test("a technician tags two milk meters at once and exports them", async ({ page }) => {
  await signIn(page, "technician");
  await page.goto("/devices?q=MM00&sort=deviceId");
  const table = page.getByRole("table");
  await table.getByRole("checkbox", { name: /Select MM002 / }).check();
  await table.getByRole("checkbox", { name: /Select MM003 / }).check();
  const bulk = page.getByRole("region", { name: "Bulk actions" });
  await expect(bulk.getByTestId("selection-count")).toHaveText("2 devices selected");

  await bulk.getByLabel("Tag").filter({ visible: true }).selectOption({ label: "calf-barn" });
  await bulk.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Tag “calf-barn” added to 2 devices." })).toBeVisible();
  await expect(table.getByRole("row", { name: /MM002/ }).getByText("calf-barn")).toBeVisible();

  // Filter by the tag: the two meters are there, and the export holds exactly them.
  await page.goto("/devices?q=MM00&tag=" + (await tagId(page, "calf-barn")));
  await expect(table.getByRole("row", { name: /MM002/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /MM003/ })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Export all 2 as CSV/ }).click();
  const csv = await (await download).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  });
  const rows = csv.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  expect(rows[0]).toMatch(/^device_id,name,device_type,farm_code/);
  expect(rows.slice(1).map((row) => row.split(",")[0])).toEqual(["MM002", "MM003"]);

  // Leave the demo data as it was.
  await page.getByRole("checkbox", { name: "Select all devices on this page" }).filter({ visible: true }).check();
  await page.getByRole("region", { name: "Bulk actions" }).getByLabel("Tag").filter({ visible: true }).selectOption({ label: "calf-barn" });
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Remove tag" }).click();
  await expect(page.getByRole("status").filter({ hasText: "removed from 2 devices" })).toBeVisible();
});

async function tagId(page: import("@playwright/test").Page, name: string) {
  const response = await page.request.get("/api/v1/devices?q=MM00&pageSize=25");
  const body = (await response.json()) as { data: { tags: { id: number; name: string }[] }[] };
  const tag = body.data.flatMap((device) => device.tags).find((candidate) => candidate.name === name);
  expect(tag, `tag ${name} on a listed device`).toBeTruthy();
  return tag!.id;
}
