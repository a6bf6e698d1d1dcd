import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";
import { signIn } from "./fixtures";

/**
 * The SMTP address of the server under test: `npm start` without SMTP_URL writes its local mail
 * catcher's to DATA_DIR/mail-catcher-url (playwright.config.ts starts it with DATA_DIR=.data/e2e).
 */
function serverSmtpUrl(): string {
  if (process.env.E2E_SMTP_URL) return process.env.E2E_SMTP_URL;
  const file = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e", "mail-catcher-url");
  if (!existsSync(file)) throw new Error(`${file} is missing: start the server without SMTP_URL (or set E2E_SMTP_URL)`);
  return readFileSync(file, "utf8").trim();
}

test("an admin creates a farm, is told a taken code, and changes the farm's time zone", async ({ page }) => {
  const code = `E2E${Date.now().toString(36).slice(-6).toUpperCase()}`;
  await signIn(page, "admin");
  await page.goto("/farms");
  await page.getByRole("link", { name: "New farm" }).click();
  await expect(page.getByRole("heading", { name: "New farm", level: 1 })).toBeVisible();

  // a code another farm has: said beside the field, nothing created
  await page.getByLabel("Name").fill("Willow Creek Dairy");
  await page.getByLabel("Code").fill("gvd");
  await page.getByLabel("Time zone").selectOption("Europe/Dublin");
  await page.getByLabel("Escalation after (minutes)").fill("0");
  await page.getByRole("button", { name: "Create farm" }).click();
  await expect(page.getByText("Escalation interval: at least 1")).toBeVisible();
  await page.getByLabel("Escalation after (minutes)").fill("20");
  await page.getByRole("button", { name: "Create farm" }).click();
  await expect(page.getByText("GVD is already used by Green Valley Dairy; farm codes are unique")).toBeVisible();

  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Address").fill("Creek Lane 7, Ballyvale");
  await page.getByLabel("Latitude").fill("53.35");
  await page.getByLabel("Longitude").fill("-6.26");
  await page.getByRole("button", { name: "Create farm" }).click();
  await expect(page.getByText("Willow Creek Dairy was created.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Edit Willow Creek Dairy" })).toBeVisible();
  // its prices are the cost reports' own form, below the details
  await expect(page.getByRole("heading", { name: "Currency and unit prices" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Currency" })).toHaveValue("EUR");

  // a new time zone: saved, and the farm's dates follow it
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Dublin");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByText("Saved. Dates of this farm are now shown in America/New_York.")).toBeVisible();
  await page.getByRole("link", { name: "Back to the farm" }).click();
  await expect(page.getByRole("heading", { name: "Willow Creek Dairy", level: 1 })).toBeVisible();
  await expect(page.getByText(`${code} · 0 devices · 0 groups · times in America/New_York`)).toBeVisible();
  await expect(page.getByText(/now \d+ \w+ \d{4}, \d{2}:\d{2} GMT-[45]/)).toBeVisible();
  await expect(page.getByText("after 20 min unacknowledged")).toBeVisible();

  const farmId = page.url().match(/\/farms\/(\d+)/)![1];
  const api = await page.request.get(`/api/v1/farms/${farmId}`);
  expect(await api.json()).toMatchObject({ code, timezone: "America/New_York", latitude: 53.35, longitude: -6.26, escalationIntervalMinutes: 20 });
});

test("a mail sent through the server's SMTP shows in the Outbox with a link that opens", async ({ page }) => {
  const subject = `Invitation to Smart Dairy ${Date.now()}`;
  // a page of the app (as an invitation link is) that does not redirect the signed-in admin
  const link = `${test.info().project.use.baseURL}/admin/outbox?from=mail-${Date.now()}`;
  const transport = nodemailer.createTransport(serverSmtpUrl());
  await transport.sendMail({
    from: '"Smart Dairy" <noreply@smartdairy.example>',
    to: "newcomer@farm.example",
    subject,
    text: `Welcome! Open ${link} to set your password.`,
    html: `<h1>Welcome</h1><p>Open <a href="${link}">your invitation</a>.</p><img src="https://tracker.example/pixel.gif" alt="">`,
  });
  transport.close();

  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outbox" }).click();
  await expect(page.getByRole("heading", { name: "Outbox", level: 1 })).toBeVisible();
  await expect(page.getByText("Mails are caught here instead of being sent (no SMTP_URL).")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: subject });
  await expect(row.getByRole("cell", { name: "newcomer@farm.example" })).toBeVisible();
  await row.getByRole("link", { name: subject }).click();

  await expect(page.getByRole("heading", { name: subject, level: 1 })).toBeVisible();
  await expect(page.getByText("noreply@smartdairy.example")).toBeVisible();
  // the HTML in its sandbox: shown, no scripts, no same-origin
  const frame = page.frameLocator(`iframe[title="HTML of “${subject}”"]`);
  await expect(frame.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await expect(page.locator("iframe")).toHaveAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");

  // the link of the text opens
  const [opened] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: link }).click()]);
  await opened.waitForLoadState();
  expect(opened.url()).toBe(link);
  await opened.close();

  // the link inside the HTML opens too (a new tab, out of the sandbox)
  const [fromHtml] = await Promise.all([page.waitForEvent("popup"), frame.getByRole("link", { name: "your invitation" }).click()]);
  await fromHtml.waitForLoadState();
  expect(fromHtml.url()).toBe(link);
});

test("a farm manager sees neither the Outbox nor the new-farm form", async ({ page }) => {
  await signIn(page, "manager");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outbox" })).toHaveCount(0);
  await page.goto("/admin/outbox");
  await expect(page).toHaveURL(/\/forbidden/);
  await page.goto("/farms/new");
  await expect(page).toHaveURL(/\/forbidden/);
});
