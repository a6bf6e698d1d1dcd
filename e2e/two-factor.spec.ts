/**
 * Two-factor sign-in as a person meets it: set up an authenticator on Profile → Security (the
 * test is the phone: it computes codes with otpauth from the key the page shows), sign out, sign in
 * with password + code, then once with a recovery code. A person of their own (made in the
 * database) keeps the demo users as they are for the other specs.
 */
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import pg from "pg";
import { hashPassword } from "../lib/auth/password";
import { resolveDatabaseUrl } from "../lib/config/database-url";

// Three sign-ins and a set-up: on a busy shared machine a page can take tens of seconds.
const expect = baseExpect.configure({ timeout: 45_000 });
test.setTimeout(300_000);

const PASSWORD = "calving pen 19";
const run = Date.now().toString(36);
const email = `totp-${run}@e2e.example`;
const NAME = "E2E Two-Factor";
let db: pg.Client;

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: resolveDatabaseUrl() });
  await db.connect();
  await db.query("INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, 'technician', $3)", [email, NAME, await hashPassword(PASSWORD)]);
});

test.afterAll(async () => {
  await db.query("DELETE FROM login_attempts WHERE email = $1", [email]);
  await db.query("DELETE FROM users WHERE email = $1", [email]);
  await db.end();
});

async function passwordStep(page: Page) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signed in: away from the login page (the landing page itself may take a while on a busy machine). */
async function signedIn(page: Page) {
  await expect(page).not.toHaveURL(/\/login/, { timeout: 90_000 });
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: new RegExp(NAME) }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

test("a person sets up two-factor, then signs in with password and code, and once with a recovery code", async ({ page }) => {
  await passwordStep(page);
  await signedIn(page);

  await page.goto("/profile/security");
  await expect(page.getByRole("heading", { name: "Security" })).toBeVisible();
  // Setting up asks for the current password first (a session left open cannot bind another phone).
  await page.getByLabel("Your current password").fill("not my password");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not your current password" })).toBeVisible();
  await page.getByLabel("Your current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const typed = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  expect(typed).toMatch(/^[A-Z2-7]{32}$/);
  const phone = new TOTP({ secret: Secret.fromBase32(typed), digits: 6, period: 30, algorithm: "SHA1" });

  // A wrong code is refused and nothing is turned on.
  await page.getByLabel("Code from the app").fill(phone.generate() === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "does not match" })).toBeVisible();

  await page.getByLabel("Code from the app").fill(phone.generate());
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-factor sign-in is on.")).toBeVisible();
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((code) => code.trim());
  expect(codes).toHaveLength(10);
  await page.getByRole("link", { name: "Done" }).click();
  await expect(page.getByText("10 of 10 recovery codes left")).toBeVisible();
  // The key is not shown again.
  await expect(page.getByTestId("totp-secret")).toHaveCount(0);
  await signOut(page);

  // Password, then the second step, which keeps who is signing in.
  await passwordStep(page);
  await expect(page.getByText(`Signing in as ${email}`)).toBeVisible();
  await page.getByLabel("Two-factor code").fill("12345");
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not right" })).toBeVisible();
  await expect(page.getByText(`Signing in as ${email}`)).toBeVisible();
  // The code of the enrolment's step is used up: the phone's next one (inside the ±1 step window) is new.
  await page.getByLabel("Two-factor code").fill(phone.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await signedIn(page);
  await page.goto("/profile/security");
  await signOut(page);

  // No phone: a recovery code, once.
  await passwordStep(page);
  await page.getByLabel("Two-factor code").fill(codes[0]!);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await signedIn(page);
  await page.goto("/profile/security");
  await expect(page.getByText("9 of 10 recovery codes left")).toBeVisible();
});
