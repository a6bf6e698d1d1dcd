import { readFile } from "node:fs/promises";
import { expect, test, type Download } from "@playwright/test";
import { openImport, signIn } from "./fixtures";

// The dev database is shared: every device id here is this run's own.
const randomId = () => `AC${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;

async function downloaded(download: Download) {
  return readFile((await download.path())!, "utf8");
}

test("an admin imports devices from a CSV: template, preview with errors, skip bad rows, error report", async ({ page }) => {
  const good1 = randomId();
  const good2 = randomId();
  const unknownType = randomId();
  const badMac = randomId();
  const unknownFarm = randomId();
  const fileName = `collars-${Date.now()}.csv`;
  const csv = [
    "device_id,name,device_type,farm_code,mac_address,colour",
    `${good1},Collar ${good1},collar,GVD,00:1A:2B:3C:4D:A1,red`,
    `${good2},Collar ${good2},collar,HMF,,blue`,
    `${unknownType},Toaster,toaster,GVD,,`,
    `${badMac},Bad MAC,collar,GVD,zz:zz,`,
    `${good1},Duplicate,collar,GVD,,`,
    `${unknownFarm},Nowhere,collar,NOPE,,`,
  ].join("\n");

  await signIn(page, "admin");
  await openImport(page);
  await expect(page.getByRole("heading", { level: 1, name: "Bulk import" }).filter({ visible: true })).toBeVisible();

  // The template: a header with the required columns and an example row per device type.
  const templateDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download template" }).filter({ visible: true }).first().click();
  const template = await downloaded(await templateDownload);
  const [header, ...examples] = template.trim().split(/\r?\n/);
  expect((header ?? "").split(",").slice(0, 3)).toEqual(["device_id", "name", "device_type"]);
  expect(examples.length).toBeGreaterThanOrEqual(8);

  // Upload and preview: nothing is written yet.
  await page.getByLabel("CSV file").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByText(fileName).filter({ visible: true })).toBeVisible();
  await page.getByRole("radio", { name: "Create and update" }).check();
  await page.getByRole("button", { name: "Preview" }).click();

  const counts = page.getByRole("definition");
  await expect(page.getByText("Nothing has been written yet.").filter({ visible: true })).toBeVisible();
  await expect(counts).toHaveText(["2", "0", "0", "4"]);
  await expect(page.getByText("Unknown columns (ignored):")).toContainText("colour");
  await expect(page.getByRole("table", { name: "First rows" }).getByRole("row")).toHaveCount(7);

  const rejected = page.getByRole("table", { name: "Rejected rows" });
  await expect(rejected.getByRole("row")).toHaveCount(5);
  const expectError = async (index: number, row: string, column: string, message: string | RegExp) => {
    const cells = rejected.getByRole("row").nth(index).getByRole("cell");
    await expect(cells.nth(0)).toHaveText(row);
    await expect(cells.nth(1)).toHaveText(column);
    await expect(cells.nth(2)).toHaveText(message);
  };
  await expectError(1, "4", "device_type", /Unknown device type "toaster"/);
  await expectError(2, "5", "mac_address", /"zz:zz" is not a MAC address/);
  await expectError(3, "6", "device_id", `${good1} appears twice in the file (first on row 2)`);
  await expectError(4, "7", "farm_code", 'Unknown farm code "NOPE"');

  // "Import nothing" with errors: the import button says why it is off.
  const importButton = page.getByRole("button", { name: "Import 2 devices" });
  await expect(importButton).toBeDisabled();
  await expect(page.getByText(/“Import nothing” is chosen and 4 errors were found/).filter({ visible: true })).toBeVisible();
  await page.getByRole("radio", { name: "Skip bad rows" }).check();
  await expect(importButton).toBeEnabled();
  await importButton.click();

  // The result.
  await expect(page.getByRole("status")).toHaveText("Import finished: 2 created, 0 updated.");
  await expect(page.getByRole("link", { name: "Download error report" })).toBeVisible();

  // The batch is listed with its error report.
  const batchRow = page.getByRole("row").filter({ hasText: fileName });
  await expect(batchRow).toBeVisible();
  await expect(batchRow).toContainText("done");
  await expect(batchRow).toContainText("admin@smartdairy.example");
  const reportDownload = page.waitForEvent("download");
  await batchRow.getByRole("link", { name: /Error report CSV/ }).click();
  const report = await reportDownload;
  expect(report.suggestedFilename()).toBe(fileName.replace(/\.csv$/, "-errors.csv"));
  const lines = (await downloaded(report)).trim().split(/\r?\n/);
  expect(lines[0]).toBe("row,column,message");
  expect(lines.slice(1).map((line) => line.split(",").slice(0, 2).join(","))).toEqual(["4,device_type", "5,mac_address", "6,device_id", "7,farm_code"]);

  // A created device is in the devices list; the rejected ones are not.
  await page.goto(`/devices?q=${good1}`);
  await expect(page.getByRole("link", { name: new RegExp(good1) }).filter({ visible: true }).first()).toBeVisible();
  await page.goto(`/devices?q=${unknownFarm}`);
  // (the active-filter chip "Remove filter Search: …" is a link too: not a device)
  await expect(page.getByRole("link", { name: new RegExp(`^(?!Remove filter).*${unknownFarm}`) }).filter({ visible: true })).toHaveCount(0);
});

test("a refused file shows the server's message", async ({ page }) => {
  await signIn(page, "admin");
  await openImport(page);
  await page.getByLabel("CSV file").setInputFiles({ name: "no-type.csv", mimeType: "text/csv", buffer: Buffer.from("device_id,name\nAC000001,Collar\n") });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The header has no device_type column" })).toBeVisible();

  // Two columns meaning one field, and a quote never closed (named by the line it opens on).
  await page.getByLabel("CSV file").setInputFiles({ name: "twice.csv", mimeType: "text/csv", buffer: Buffer.from("device_id,name,device_type,serial_number,Serial Number\nAC000001,Collar,collar,1,2\n") });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert").filter({ hasText: 'Two columns hold serial_number: "serial_number" and "Serial Number". (Delete or rename all but one of them)' })).toBeVisible();
  await page.getByLabel("CSV file").setInputFiles({ name: "quote.csv", mimeType: "text/csv", buffer: Buffer.from('device_id,name,device_type\n\nAC000001,"Collar,collar\nAC000002,Other,collar\n') });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The file is not valid CSV: line 3: a quoted cell is never closed" })).toBeVisible();
});

test("a farm manager may not open the import page", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/import");
  await expect(page).toHaveURL(/\/forbidden/);
});
