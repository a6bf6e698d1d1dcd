import { expect, test } from "@playwright/test";
import iconv from "iconv-lite";
import { openImport, signIn } from "./fixtures";

// The dev database is shared: every device id here is this run's own.
const randomId = () => `AC${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;

test("an admin maps a vendor's columns, sees the guesses and a warning before writing, imports, and the mapping is remembered", async ({ page }) => {
  const first = randomId();
  const second = randomId();
  const fileName = `vendor-${Date.now()}.csv`;
  // A Dutch Excel's "CSV": Windows-1252, semicolons, day-first dates, a serial Excel showed as 1.23457E+11.
  const text = [
    "Asset ID;Unit label;Type;Farm;Serial no.;MAC;Purchased",
    `${first};Halsband Zoë é;collar;GVD;1.23457E+11;00:1A:2B:3C:4D:F1;25/12/2025`,
    `${second};Halsband Noël;collar;GVD;SN-${second};;03/01/2026`,
  ].join("\r\n");
  const file = { name: fileName, mimeType: "text/csv", buffer: iconv.encode(text, "windows-1252") };

  await signIn(page, "admin");
  await openImport(page);
  await page.getByLabel("CSV file").setInputFiles(file);

  // The guesses, each a choice, and the decoded text to judge them by.
  await expect(page.getByLabel("Encoding")).toHaveValue("auto");
  await expect(page.getByLabel("Encoding").locator("option:checked")).toHaveText(/Detected: Windows-1252/);
  await expect(page.getByLabel("Separator", { exact: true }).locator("option:checked")).toHaveText("Detected: Semicolon ;");
  await expect(page.getByLabel("First lines of the file")).toContainText("Halsband Zoë é");

  // The mapping: guessed from the header names; the renamed name column is not known, so it is mapped by hand.
  await expect(page.getByLabel("Asset ID")).toHaveValue("device_id");
  await expect(page.getByLabel("Serial no.")).toHaveValue("serial_number");
  await expect(page.getByLabel("Purchased")).toHaveValue("purchase_date");
  await expect(page.getByLabel("Unit label")).toHaveValue("ignore");
  await expect(page.getByLabel("Mapping problems")).toContainText("No column is mapped to name (required)");
  await expect(page.getByText("Day first (from 25/12/2025)")).toBeVisible();
  await page.getByLabel("Unit label").selectOption("name");
  await expect(page.getByLabel("Mapping problems")).toHaveCount(0);

  await page.getByRole("radio", { name: "Create and update" }).check();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("Nothing has been written yet.")).toBeVisible();
  await expect(page.getByRole("definition")).toHaveText(["1", "0", "0", "1"]);
  const warnings = page.getByRole("table", { name: "Warnings" });
  await expect(warnings.getByRole("row").filter({ hasText: "1.23457E+11" })).toContainText("Serial no.");
  await expect(warnings.getByRole("row").filter({ hasText: "1.23457E+11" })).toContainText("scientific notation");
  await expect(page.getByText(/dates: detected per column — purchase_date day first \(from 25\/12\/2025\)/)).toBeVisible();

  // The device rules refuse the rounded serial's row as well; the admin imports the rest.
  await expect(page.getByRole("table", { name: "Rejected rows" })).toContainText("spreadsheet rounded");
  await page.getByRole("radio", { name: "Skip bad rows" }).check();
  await page.getByRole("button", { name: "Import 1 device" }).click();
  await expect(page.getByRole("status")).toHaveText("Import finished: 1 created, 0 updated.");
  // One attempt, one batch: the dry run became the import.
  await expect(page.getByRole("row").filter({ hasText: fileName })).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: fileName })).toContainText("done");

  // Accents survive the Windows-1252 file; the day-first date is 25 December.
  await page.goto(`/devices/${second}`);
  await expect(page.getByText("Halsband Noël").first()).toBeVisible();

  // The next file with the same headers maps itself.
  await openImport(page);
  const again = [text.split("\r\n")[0], `${randomId()};Halsband Bjørn;collar;GVD;SN-X;;01/02/2026`].join("\r\n");
  await page.getByLabel("CSV file").setInputFiles({ name: `again-${fileName}`, mimeType: "text/csv", buffer: iconv.encode(again, "windows-1252") });
  await expect(page.getByText("Mapping remembered from the last import of a file with these headers.")).toBeVisible();
  await expect(page.getByLabel("Unit label")).toHaveValue("name");
});
