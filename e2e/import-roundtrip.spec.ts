import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { readFile } from "node:fs/promises";
import { openImport, signIn } from "./fixtures";

// The dev database is shared: the device and tag here are this run's own.
const run = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const deviceId = `AC${run}`;
const tag = `e2e-roundtrip-${run}`;

/** Downloads the devices list's export in the format of the link clicked. */
async function download(page: Page, link: string | RegExp): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).first().click()]);
  return readFile((await file.path())!);
}

test("an admin exports the devices, edits the file in a spreadsheet, maps a renamed column and imports it back", async ({ page }) => {
  await signIn(page, "admin");

  // A device with the fields an export carries, registered through the import API (a new tag allowed).
  const csvText = [
    "device_id,name,device_type,farm_code,model,state,tags,latitude,longitude,hardware_version,purchase_date,warranty_end,unit_cost,metadata",
    `${deviceId},Round trip collar,collar,GVD,C-100,active,${tag},52.0907,5.1214,2.1,2026-01-15,2028-01-15,149.5,"{""pen"":4}"`,
  ].join("\n");
  const created = await page.request.post("/api/v1/iot/devices/import", {
    multipart: { file: { name: `new-${run}.csv`, mimeType: "text/csv", buffer: Buffer.from(csvText) }, mode: "create", create_tags: "true" },
  });
  expect(created.ok(), await created.text()).toBe(true);
  expect(await created.json()).toMatchObject({ created: 1 });

  // The list's export offers CSV and Excel; an unchanged CSV imports back as "unchanged".
  await page.goto(`/devices?q=${deviceId}`);
  await expect(page.getByRole("link", { name: "Export all 1 as CSV" })).toBeVisible();
  const csv = await download(page, "Export all 1 as CSV");
  expect(csv.toString("utf8")).toContain(`${deviceId},Round trip collar,collar,GVD`);

  await openImport(page);
  await page.getByLabel("CSV file").setInputFiles({ name: `unchanged-${run}.csv`, mimeType: "text/csv", buffer: csv });
  await expect(page.getByLabel("health_status")).toHaveValue("ignore");
  await expect(page.getByText("Read-only (computed from telemetry): ignored on purpose").first()).toBeVisible();
  await page.getByRole("radio", { name: "Update existing" }).check();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("Nothing has been written yet.")).toBeVisible();
  await expect(page.getByRole("definition")).toHaveText(["0", "0", "1", "0"]);
  await expect(page.getByTestId("read-only-columns")).toContainText("health_status");
  await expect(page.getByText("Nothing to write: no row creates or changes a device.")).toBeVisible();

  // The same devices as Excel, edited: the name column renamed, the model cleared, the state moved.
  await page.goto(`/devices?q=${deviceId}`);
  const xlsx = await download(page, "Excel (.xlsx)");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const header = (sheet.getRow(1).values as string[]).slice(1);
  const column = (name: string) => header.indexOf(name) + 1;
  expect(sheet.getRow(2).getCell(column("purchase_date")).value).toEqual(new Date("2026-01-15T00:00:00Z"));
  sheet.getRow(1).getCell(column("name")).value = "Unit label";
  sheet.getRow(2).getCell(column("name")).value = "Round trip collar (edited)";
  sheet.getRow(2).getCell(column("model")).value = "<empty>";
  sheet.getRow(2).getCell(column("state")).value = "suspended";
  const edited = Buffer.from(await workbook.xlsx.writeBuffer());

  await openImport(page);
  await page.getByText("Importing an edited export").click();
  await expect(page.getByText("To clear a field, write")).toBeVisible();
  await page.getByLabel("CSV file").setInputFiles({ name: `edited-${run}.xlsx`, mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: edited });
  await expect(page.getByLabel("Unit label")).toHaveValue("ignore");
  await expect(page.getByLabel("Mapping problems")).toContainText("No column is mapped to name (required)");
  await page.getByLabel("Unit label").selectOption("name");
  await expect(page.getByLabel("Mapping problems")).toHaveCount(0);
  await page.getByRole("radio", { name: "Update existing" }).check();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("definition")).toHaveText(["0", "1", "0", "0"]);
  await page.getByRole("button", { name: "Import 1 device" }).click();
  await expect(page.getByRole("status")).toHaveText("Import finished: 0 created, 1 updated.");

  // Exactly the edited fields changed; the rest (coordinates, dates, tag, metadata) kept.
  const after = await page.request.get(`/api/v1/devices/${deviceId}`);
  expect(after.ok()).toBe(true);
  const device = await after.json();
  expect(device).toMatchObject({ name: "Round trip collar (edited)", model: null, state: "suspended", latitude: 52.0907, longitude: 5.1214, hardwareVersion: "2.1" });
  expect(JSON.stringify(device)).toContain(tag);
});
