import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

/** The router's navigation requests (RSC, not prefetches) per path since the last reset, seen from the browser. */
function rscRequests(page: Page) {
  const seen: string[] = [];
  page.on("request", (request) => {
    const headers = request.headers();
    if (headers["rsc"] === "1" && !headers["next-router-prefetch"] && !headers["next-router-segment-prefetch"]) seen.push(new URL(request.url()).pathname);
  });
  return { count: (path: string) => seen.filter((seenPath) => seenPath === path).length, reset: () => void seen.splice(0) };
}

test("going back to a main area within 30 s reuses it, and a change made meanwhile makes it fetch again", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "manager");
  const nav = page.getByRole("navigation", { name: "Main" });
  const requests = rscRequests(page);

  await nav.getByRole("link", { name: "Groups & tags" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Groups & tags" })).toBeVisible();
  expect(requests.count("/groups"), "a first visit is fetched (the count sees the router's requests)").toBeGreaterThan(0);
  await nav.getByRole("link", { name: "Firmware", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Firmware versions" })).toBeVisible();
  requests.reset();
  await nav.getByRole("link", { name: "Groups & tags" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Groups & tags" })).toBeVisible();
  expect(requests.count("/groups"), "the groups page was fetched again though nothing changed").toBe(0);

  // A change (a server action: the alerts list made compact) drops what the router kept.
  await nav.getByRole("link", { name: "Alerts" }).click();
  const toolbar = page.getByTestId("list-toolbar");
  const compact = (await toolbar.getByRole("button", { name: "Compact" }).getAttribute("aria-pressed")) === "true";
  const other = compact ? "Comfortable" : "Compact";
  await toolbar.getByRole("button", { name: other }).click();
  await expect(toolbar.getByRole("button", { name: other })).toHaveAttribute("aria-pressed", "true", { timeout: 45_000 });
  requests.reset();
  await nav.getByRole("link", { name: "Groups & tags" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Groups & tags" })).toBeVisible();
  expect(requests.count("/groups"), "after a change the groups page must be fetched, not reused").toBeGreaterThan(0);
});
