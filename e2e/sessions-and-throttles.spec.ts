/**
 * Sessions that end on the server, and throttles that count the real address, against the product
 * as `npm start` runs it. A person of their own (made in the database) keeps the demo users as
 * they are for the other specs.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { hashPassword } from "../lib/auth/password";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { signIn, signOut } from "./fixtures";

const PASSWORD = "pasture gate 42";
const run = Date.now().toString(36);
let db: pg.Client;

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: resolveDatabaseUrl() });
  await db.connect();
});

test.afterAll(async () => {
  await db.query("DELETE FROM login_attempts WHERE email LIKE $1", [`%-${run}@e2e.example`]);
  await db.query("DELETE FROM users WHERE email LIKE $1", [`%-${run}@e2e.example`]);
  await db.end();
});

async function createPerson(name: string, role: string) {
  const email = `${name}-${run}@e2e.example`;
  const { rows } = await db.query<{ id: number }>("INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id", [email, `E2E ${name}`, role, await hashPassword(PASSWORD)]);
  return { id: rows[0]!.id, email };
}

async function submitSignIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A fresh browser holding only the given cookies, as someone who copied them would. */
async function replay(browser: Browser, cookies: Awaited<ReturnType<ReturnType<Page["context"]>["cookies"]>>, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  await context.addCookies(cookies);
  return context;
}

test("signing out ends the session on the server: the copied cookie is refused at the next request", async ({ page, browser, baseURL }) => {
  await signIn(page, "manager");
  const cookies = await page.context().cookies();
  expect((await page.request.get("/api/v1/me")).status()).toBe(200);
  await signOut(page);

  const copy = await replay(browser, cookies, baseURL);
  expect((await copy.request.get("/api/v1/me")).status()).toBe(401);
  const tab = await copy.newPage();
  await tab.goto("/devices");
  await expect(tab).toHaveURL(/\/login/);
  await copy.close();
});

test("a change of role, and deactivation, end the person's session at the next request", async ({ page }) => {
  const person = await createPerson("demoted", "technician");
  await submitSignIn(page, person.email, PASSWORD);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  expect(await (await page.request.get("/api/v1/me")).json()).toMatchObject({ role: "technician" });

  await db.query("UPDATE users SET role = 'viewer' WHERE id = $1", [person.id]);
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
  await page.goto("/devices");
  await expect(page).toHaveURL(/\/login/);

  await submitSignIn(page, person.email, PASSWORD);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  expect(await (await page.request.get("/api/v1/me")).json()).toMatchObject({ role: "viewer" });
  await db.query("UPDATE users SET active = false WHERE id = $1", [person.id]);
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});

test("failed sign-ins slow the account down at that address; an admin clears them, a manager may not", async ({ page, browser, baseURL }) => {
  const person = await createPerson("forgetful", "technician");
  for (let i = 0; i < 3; i++) {
    await submitSignIn(page, person.email, `wrong-${i}`);
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong e-mail or password.");
  }
  await submitSignIn(page, person.email, PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toContainText("Too many failed sign-ins");

  const manager = await browser.newContext({ baseURL });
  const managerPage = await manager.newPage();
  await signIn(managerPage, "manager");
  expect((await managerPage.request.delete(`/api/v1/users/${person.id}/sign-in-failures`)).status()).toBe(403);
  await manager.close();

  const admin = await browser.newContext({ baseURL });
  const adminPage = await admin.newPage();
  await signIn(adminPage, "admin");
  await adminPage.goto("/admin/users");
  const row = adminPage.getByRole("row").filter({ hasText: person.email });
  await expect(row).toContainText("3 failed sign-ins in the last hour");
  await row.getByRole("button", { name: `Clear failed sign-ins of E2E forgetful` }).click();
  await expect(row).not.toContainText("failed sign-ins");
  await admin.close();
  const { rows } = await db.query("SELECT actor_label FROM audit_events WHERE entity_type = 'user' AND entity_id = $1 AND action = 'sign_in_lock_cleared'", [String(person.id)]);
  expect(rows).toHaveLength(1);

  await submitSignIn(page, person.email, PASSWORD);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
});

test("a claim's throttle counts the connection, not an invented X-Forwarded-For", async ({ request }) => {
  // Device ids nobody has: each claim is refused and counted against the caller's address.
  const deviceIds = Array.from({ length: 31 }, (_, i) => `ZX${String(900_000 + i)}`);
  try {
    const statuses: number[] = [];
    for (const [i, deviceId] of deviceIds.entries()) {
      const response = await request.post("/api/v1/provisioning/claim", { data: { deviceId, token: "never-issued-token" }, headers: { "X-Forwarded-For": `203.0.113.${i}` } });
      statuses.push(response.status());
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
  } finally {
    await db.query("DELETE FROM audit_events WHERE action = 'claim_refused' AND entity_id = ANY($1)", [deviceIds]);
  }
});
