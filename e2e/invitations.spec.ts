/**
 * Invitation to first sign-in, and deactivation ending it, as people do it: an admin invites a
 * technician for one farm and copies the link; the technician (another browser) opens it, sets a
 * password and lands on the dashboard of that farm only; the admin deactivates them and the
 * technician's open page is sent to the sign-in page at its next navigation.
 */
import { expect as baseExpect, test } from "@playwright/test";
import pg from "pg";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { demoUser } from "./fixtures";
import { DEMO_PASSWORD } from "../prisma/seed";

// Signing in (bcrypt) and a first render are slow on a busy 2-core machine: more room than the default.
const expect = baseExpect.configure({ timeout: 45_000 });

const run = Date.now().toString(36);
const email = `new-tech-${run}@e2e.example`;
const name = `E2E Technician ${run}`;
const FARM = "Hillside Meadow Farm";
let db: pg.Client;

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: resolveDatabaseUrl() });
  await db.connect();
});

test.afterAll(async () => {
  await db.query("DELETE FROM notifications WHERE user_id IN (SELECT id FROM users WHERE email = $1)", [email]);
  await db.query("DELETE FROM caught_mails WHERE $1 = ANY(to_addrs)", [email]);
  await db.query("DELETE FROM login_attempts WHERE email = $1", [email]);
  await db.query("DELETE FROM users WHERE email = $1", [email]);
  await db.end();
});

test("an invited technician sets a password, sees only their farm, and is shut out when deactivated", async ({ page, browser, baseURL, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(demoUser("admin").email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.goto("/admin/users");
  await expect(page.getByText("Not built yet")).toHaveCount(0);

  await page.getByRole("button", { name: "Invite a person" }).click();
  const invite = page.getByRole("region", { name: "Invite a person" });
  await invite.getByLabel("Name").fill(name);
  await invite.getByLabel("E-mail").fill(email);
  await invite.getByLabel("Role").selectOption("technician");
  await invite.getByLabel("Farm").selectOption({ label: FARM });
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.getByText(`${name} is invited.`)).toBeVisible();
  await expect(invite).toContainText(`also mailed to ${email}`);
  await invite.getByRole("button", { name: "Copy link" }).click();
  await expect(invite.getByRole("button", { name: "Copied" })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`^${baseURL}/invite/[A-Za-z0-9_-]{40,}$`));
  await expect(invite.getByTestId("invitation-link")).toHaveValue(link);
  // The worker delivers the mail with the same link to the local catcher (Admin → Outbox); the
  // stored notification itself never holds the token.
  const { rows: queued } = await db.query<{ body: string }>("SELECT n.body FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1 AND n.kind = 'email'", [email]);
  expect(queued).toHaveLength(1);
  expect(queued[0]!.body).not.toContain(link);
  await expect
    .poll(async () => (await db.query<{ text: string | null }>("SELECT text FROM caught_mails WHERE $1 = ANY(to_addrs) ORDER BY id DESC LIMIT 1", [email])).rows[0]?.text ?? "", { timeout: 60_000 })
    .toContain(link);

  await page.reload();
  await expect(page.getByTestId(`user-row-${email}`)).toContainText("Invited");

  // The technician, in a browser of their own.
  const theirs = await browser.newContext({ baseURL });
  const tech = await theirs.newPage();
  await tech.goto(link);
  await expect(tech.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
  await expect(tech.getByText(FARM)).toBeVisible();
  await tech.getByLabel("New password").fill("smartdairy2026");
  await tech.getByLabel("Confirm password").fill("smartdairy2026");
  await tech.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(tech.getByText("product's name")).toBeVisible();
  await tech.getByLabel("New password").fill("lantern copper meadow gate");
  await tech.getByLabel("Confirm password").fill("lantern copper meadow gate");
  await tech.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(tech.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(tech).toHaveURL(`${baseURL}/`);
  const farmPicker = tech.getByRole("combobox", { name: "Farm" });
  await expect(farmPicker).toBeDisabled();
  await expect(farmPicker.locator("option")).toHaveText([FARM]);

  // The link worked once.
  const again = await browser.newContext({ baseURL });
  const second = await again.newPage();
  await second.goto(link);
  await expect(second.getByText("This invitation has already been used")).toBeVisible();
  await again.close();

  // The admin deactivates them.
  await page.reload();
  const row = page.getByTestId(`user-row-${email}`);
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: `Manage ${name}` }).click();
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");

  // Their open page: the next navigation lands on the sign-in page.
  await tech.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" }).click();
  await expect(tech).toHaveURL(/\/login/);
  // Their right password is told why it no longer opens the app.
  await tech.getByLabel("E-mail").fill(email);
  await tech.getByLabel("Password").fill("lantern copper meadow gate");
  await tech.getByRole("button", { name: "Sign in" }).click();
  // By its text: after the redirect Next's route announcer is an alert too.
  await expect(tech.getByRole("alert").filter({ hasText: "This account was deactivated" })).toHaveText("This account was deactivated — ask your admin if you still need access.");
  await theirs.close();

  const { rows: audit } = await db.query<{ action: string }>("SELECT action FROM audit_events WHERE entity_type = 'user' AND entity_id = (SELECT id::text FROM users WHERE email = $1) ORDER BY id", [email]);
  expect(audit.map((event) => event.action)).toEqual(["invited", "invitation_accepted", "deactivated"]);
});
