import { expect, test, type Page } from "@playwright/test";
import { signIn, signOut, streamSettled } from "./fixtures";

const VIEW = `Compact battery ${Date.now().toString(36)}`;

async function columnHeaders(page: Page) {
  return (await page.getByRole("table").locator("thead th").allTextContents()).map((text) => text.trim()).filter(Boolean);
}

test("a manager makes the devices list compact, hides two columns, saves the view and opens it from the sidebar after signing in again", async ({ page }) => {
  // each choice is a server action and a fresh server render: slow on a busy 2-core machine
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "manager");
  await page.goto("/devices");
  const toolbar = page.getByTestId("list-toolbar");
  const table = page.getByRole("table");
  await expect(table).toBeVisible();
  const comfortableHeight = await table.locator("tbody tr").first().evaluate((row) => row.getBoundingClientRect().height);

  await toolbar.getByRole("button", { name: "Compact" }).click();
  await expect(toolbar.getByRole("button", { name: "Compact" })).toHaveAttribute("aria-pressed", "true", { timeout: 45_000 });
  await expect(page.locator("div[data-density=compact]")).toBeVisible();
  const compactHeight = await table.locator("tbody tr").first().evaluate((row) => row.getBoundingClientRect().height);
  expect(compactHeight).toBeLessThan(comfortableHeight);
  expect(compactHeight).toBeLessThanOrEqual(30);

  await toolbar.getByRole("button", { name: /^Columns/ }).click();
  const chooser = page.getByRole("group", { name: "Columns shown, in order" });
  // the box follows the saved choice (a server round trip), so it is clicked, not "unchecked"
  await chooser.getByRole("checkbox", { name: "Signal" }).click();
  await expect(table.getByRole("columnheader", { name: /Signal/ })).toHaveCount(0);
  await chooser.getByRole("checkbox", { name: "Firmware" }).click();
  await expect(table.getByRole("columnheader", { name: /Firmware/ })).toHaveCount(0);
  // order: battery before health
  await chooser.getByRole("button", { name: "Move Battery up" }).click();
  await expect.poll(async () => {
    const headers = await columnHeaders(page);
    return headers.findIndex((h) => /Battery/.test(h)) < headers.findIndex((h) => /Last seen/.test(h));
  }).toBe(true);
  await toolbar.getByRole("button", { name: /^Columns/ }).click();

  // the choice is the person's: a fresh visit to the bare list keeps it
  await page.goto("/devices");
  await expect(page.locator("div[data-density=compact]")).toBeVisible();
  await expect(table.getByRole("columnheader", { name: /Signal/ })).toHaveCount(0);

  // a filter shows as a chip that clears it with one click
  await page.goto("/devices?type=milk_meter");
  const chips = page.getByTestId("filter-chips");
  await expect(chips.getByRole("link", { name: /Remove filter Type: Milk Meter/ })).toBeVisible();

  await toolbar.getByRole("button", { name: "Save view…" }).click();
  const dialog = page.getByRole("dialog", { name: "Save this view" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await dialog.getByRole("button", { name: "Save" }).click();
  // a name is required: the browser says so and nothing is saved
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name").fill(VIEW);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/savedView=\d+/);
  await expect(page.getByTestId("current-view")).toHaveText(`View: ${VIEW}`);

  // the same name again is refused with a clear message
  await toolbar.getByRole("button", { name: "Save view…" }).click();
  await dialog.getByLabel("Name").fill(VIEW.toUpperCase());
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("You already have a view with this name");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  // clear the filter, go back to comfortable: the view keeps what was saved
  await chips.getByRole("link", { name: /Remove filter Type/ }).click();
  await expect(page).not.toHaveURL(/type=/);
  await toolbar.getByRole("button", { name: "Comfortable" }).click();
  await expect(page.locator("div[data-density=comfortable]")).toBeVisible();

  await signOut(page);
  await signIn(page, "manager");
  await page.getByTestId("favourites").getByRole("link", { name: VIEW }).click();
  await expect(page).toHaveURL(/type=milk_meter/);
  await expect(page.locator("div[data-density=compact]")).toBeVisible();
  await expect(page.getByTestId("current-view")).toHaveText(`View: ${VIEW}`);
  const headers = await columnHeaders(page);
  expect(headers.some((h) => /Signal/.test(h))).toBe(false);
  expect(headers.some((h) => /Firmware/.test(h))).toBe(false);
  for (const row of await table.locator("tbody tr").allTextContents()) expect(row).toContain("Milk Meter");

  // Export visible columns writes those columns, in their order
  const exportLink = page.getByRole("link", { name: "Export visible columns" });
  const href = (await exportLink.getAttribute("href"))!;
  expect(href).toContain("columns=device_id%2Cname");
  const csv = await (await page.request.get(href)).text();
  const header = csv.replace(/^\uFEFF/, "").split(/\r?\n/)[0]!;
  expect(header.startsWith("device_id,name")).toBe(true);
  expect(header).not.toContain("signal_strength");
  expect(header).not.toContain("firmware_version");
  expect(header.indexOf("battery_level")).toBeLessThan(header.indexOf("last_seen"));
});

test("the devices list is used by keyboard only", async ({ page }) => {
  // each choice is a server action and a fresh server render: slow on a busy 2-core machine
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "technician");
  await page.goto("/devices?density=compact");
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows.first()).toBeVisible();

  // the shortcuts listen once the list has hydrated: a "/" before that does nothing, so press until it takes
  await expect(async () => {
    await page.keyboard.press("/");
    await expect(page.getByRole("searchbox", { name: "Search" })).toBeFocused({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  // typing j and k in the box is text, not movement
  await page.keyboard.type("jk");
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("jk");
  await expect(page).toHaveURL(/q=jk/);
  // Esc leaves the box; Esc again (no selection) clears the search
  await page.keyboard.press("Escape");
  await expect(page.getByRole("searchbox", { name: "Search" })).not.toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page).not.toHaveURL(/q=/);
  await expect(rows.nth(2)).toBeVisible();

  await page.keyboard.press("j");
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(rows.nth(2)).toBeFocused();
  const outline = await rows.nth(2).evaluate((row) => getComputedStyle(row).outlineStyle);
  expect(outline).toBe("solid");
  await page.keyboard.press("k");
  await expect(rows.nth(1)).toBeFocused();

  await page.keyboard.press("x");
  await expect(page.getByTestId("selection-count")).toContainText("1");
  await expect(rows.nth(1).getByRole("checkbox")).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(rows.nth(1).getByRole("checkbox")).not.toBeChecked();

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help.getByText("Select or unselect the row")).toBeVisible();
  // focus stays inside while it is open
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    expect(await help.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await rows.nth(1).focus();
  const id = (await rows.nth(1).locator("[data-row-link]").getAttribute("href"))!;
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${id}$`));
});

test("the maintenance list's columns are chosen, ordered and remembered, and its filters show as chips", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "viewer");
  // from the default columns, whatever an earlier run left
  const reset = await page.request.put("/api/v1/me/list-preferences", { headers: { origin: new URL(baseURL!).origin }, data: { list: "maintenance", columns: null } });
  expect(reset.ok()).toBe(true);
  const headers = async () => (await page.locator("table[data-list-rows] thead th").allTextContents()).map((text) => text.trim());

  await page.goto("/maintenance/list?status=scheduled%2Cin_progress%2Coverdue");
  await streamSettled(page);
  await expect(page.locator("table[data-list-rows]")).toBeVisible();
  expect(await headers()).toEqual(["Date", "Work", "Device", "Assigned to", "Status", "Cost"]);
  const chips = page.getByTestId("filter-chips");
  await expect(chips.getByRole("link", { name: /Remove filter Status: Open \(not done\)/ })).toBeVisible();

  const toolbar = page.getByTestId("list-toolbar");
  await toolbar.getByRole("button", { name: /^Columns/ }).click();
  const chooser = page.getByRole("group", { name: "Columns shown, in order" });
  await expect(chooser.getByRole("checkbox", { name: /Date/ })).toBeDisabled();
  await chooser.getByRole("checkbox", { name: "Cost" }).click();
  await expect.poll(headers).toEqual(["Date", "Work", "Device", "Assigned to", "Status"]);
  await chooser.getByRole("button", { name: "Move Status up" }).click();
  await expect.poll(headers).toEqual(["Date", "Work", "Device", "Status", "Assigned to"]);

  // the person's choice: the bare list keeps it; the chip clears its filter and keeps the columns
  await page.goto("/maintenance/list?status=scheduled%2Cin_progress%2Coverdue");
  await expect.poll(headers).toEqual(["Date", "Work", "Device", "Status", "Assigned to"]);
  await chips.getByRole("link", { name: /Remove filter Status/ }).click();
  await expect(page).not.toHaveURL(/status=/);
  await expect(chips).toHaveCount(0);
  expect(await headers()).toEqual(["Date", "Work", "Device", "Status", "Assigned to"]);
});
