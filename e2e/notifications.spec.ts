/**
 * Notifications as Lars, Green Valley's farm manager, would use them (issue 18 §3–4): a rule that
 * sends critical alerts to Priya, refused first without a name; a third on-call level; then the
 * bell's unread count from the demo's notifications, and marking one read lowers it.
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

// The server may be reused between runs: this run's rule carries this suffix.
const suffix = Date.now().toString(36).toUpperCase();

async function bellCount(page: Page): Promise<number> {
  const badge = page.getByTestId("notification-count");
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}

test.beforeEach(async ({ page }) => {
  await signIn(page, "manager");
});

test("a manager adds a notification rule and an on-call level", async ({ page }) => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notification settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Notification settings · Green Valley Dairy/ })).toBeVisible();
  await expect(page.getByTestId("rule-card").filter({ hasText: "Critical to the manager" })).toBeVisible();
  await expect(page.getByText("2 min (demo)")).toBeVisible();

  const form = page.getByRole("form", { name: "New rule" });
  // No name: the field says so and nothing is added.
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByText("Enter a name")).toBeVisible();

  const name = `Critical to Priya ${suffix}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("From severity").selectOption("critical");
  await form.getByRole("group", { name: "People" }).getByLabel(/Priya Nair/).check();
  await form.getByLabel("Quiet hours from").fill("22:00");
  await form.getByLabel("Quiet hours until").fill("06:00");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByRole("status")).toContainText(`Rule “${name}” saved.`);
  const card = page.getByTestId("rule-card").filter({ hasText: name });
  await expect(card).toBeVisible();
  await expect(card).toContainText("Priya Nair");
  await expect(card).toContainText("Quiet 22:00–06:00");

  const onCall = page.getByRole("form", { name: "On-call list" });
  const levels = onCall.getByTestId("on-call-level");
  const before = await levels.count();
  await onCall.getByRole("button", { name: "Add level" }).click();
  await expect(levels).toHaveCount(before + 1);
  // An empty level is refused beside it.
  await onCall.getByRole("button", { name: "Save on-call list" }).click();
  await expect(onCall.getByText("Pick at least one person or channel for this level")).toBeVisible();
  await onCall.getByLabel(`Add to level ${before + 1}`).selectOption({ label: "Priya Nair" });
  await onCall.getByRole("button", { name: "Save on-call list" }).click();
  await expect(onCall.getByRole("status")).toContainText(`${before + 1} levels`);

  await page.reload();
  await expect(page.getByRole("form", { name: "On-call list" }).getByTestId("on-call-level")).toHaveCount(before + 1);
  await expect(page.getByRole("form", { name: "On-call list" }).getByTestId("on-call-level").last()).toContainText("Priya Nair");

  // Back as it was, for the next run on a reused server.
  const again = page.getByRole("form", { name: "On-call list" });
  await again.getByRole("button", { name: `Remove level ${before + 1}` }).click();
  await again.getByRole("button", { name: "Save on-call list" }).click();
  await expect(again.getByRole("status")).toContainText(`${before} levels`);
});

test("the bell counts unread demo notifications, and marking one read lowers the count", async ({ page }) => {
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toBeVisible();
  await expect(page.getByTestId("notification-count")).toBeVisible();
  const unread = await bellCount(page);
  expect(unread).toBeGreaterThan(0);
  await expect(bell).toHaveAccessibleName(`Notifications, ${unread} unread`);

  await bell.click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const firstUnread = page.locator("[data-testid=inbox-item][data-unread]").first();
  await expect(firstUnread).toBeVisible();
  // The mail's "Open the alert: https://…" lines read as linked words in the app, no pasted URLs.
  await expect(page.getByRole("list", { name: "Notifications" })).not.toContainText(/https?:\/\//);
  await expect(page.getByTestId("inbox-item").filter({ hasText: "high error rate" }).first().getByRole("link", { name: "Open alert" })).toBeVisible();
  await firstUnread.getByRole("button", { name: "Mark read" }).click();

  await expect.poll(() => bellCount(page)).toBe(unread - 1);
  await expect(page.getByRole("status").filter({ hasText: unread - 1 === 0 ? "All read." : `${unread - 1} unread` })).toBeVisible();
});
