import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_USERS } from "../prisma/seed";

export type DemoRole = (typeof DEMO_USERS)[number]["role"];

export function demoUser(role: DemoRole) {
  return DEMO_USERS.find((user) => user.role === role)!;
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, role: DemoRole) {
  const user = demoUser(role);
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: new RegExp(demoUserNamePattern()) }).first().click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

function demoUserNamePattern() {
  return DEMO_USERS.map((user) => user.name).join("|");
}

/**
 * Opens the import page once its wizard is the only one in the document (see streamSettled): a
 * file set on the hidden copy goes nowhere.
 */
export async function openImport(page: Page) {
  await page.goto("/import");
  await expect(page.getByRole("heading", { level: 1, name: "Bulk import" }).filter({ visible: true })).toBeVisible();
  await streamSettled(page);
  await expect(page.getByLabel("CSV file")).toHaveCount(1);
}

/**
 * Waits until the streamed page's hidden segments are consumed. Since React 19.2 a segment can sit
 * in the document (hidden) for ~300 ms beside the copy hydration already rendered
 * (react/react#37014): a locator that matches both fails strict mode, and lists read twice.
 */
export async function streamSettled(page: Page) {
  await page.waitForFunction(() => document.querySelector('div[hidden][id^="S:"]') === null);
}
