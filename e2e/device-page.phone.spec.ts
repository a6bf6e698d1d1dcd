/**
 * A technician at a milk meter in the barn, phone in one hand (issue 21): the device page's first
 * screen holds what she came for — health with its reason, status, connection, last seen, open
 * alerts — and Quick diagnose runs from there without a scroll; the section she last chose is
 * the one the next device page opens on, for her and not for the next person on the same phone.
 */
import { expect, test, type Page } from "@playwright/test";
import { measurePhoneDevicePage, PHONE_VIEWPORT } from "../scripts/ergonomics/phone-device-measure";
import { signIn } from "./fixtures";

/** Green Valley Dairy's meters the simulator keeps online; the other phone specs use MM002/MM004/MM005. */
async function onlineMeter(page: Page): Promise<string> {
  for (const candidate of ["MM003", "MM006", "MM001"]) {
    const device = (await (await page.request.get(`/api/v1/devices/${candidate}`)).json()) as { connectionStatus: string };
    if (device.connectionStatus === "online") return candidate;
  }
  return "MM003";
}

test("the first screen holds health, status, last seen and Quick diagnose, and Quick diagnose runs without scrolling", async ({ page, browser, baseURL, context }) => {
  test.setTimeout(120_000);
  await signIn(page, "technician");
  const meter = await onlineMeter(page);

  // The benchmark's own measure, on a phone context of this signed-in one.
  const measure = await measurePhoneDevicePage({ browser, baseURL: baseURL!, context, deviceId: meter });
  expect(measure.edges.status).not.toBeNull();
  for (const [what, edge] of Object.entries(measure.edges)) expect(edge, what).toBeLessThanOrEqual(PHONE_VIEWPORT.height);
  expect(measure.withinFirstScreen).toBe(true);

  await page.goto(`/devices/${meter}`);
  for (const fact of ["device-health", "device-status", "device-connection", "device-last-seen", "device-open-alerts"]) await expect(page.getByTestId(fact)).toBeInViewport();
  // Health says why, not only a colour and a word.
  await expect(page.getByTestId("device-health").locator("dd")).toContainText(/[A-Za-z].*\.|%|errors|Offline|late/);
  const bar = page.getByTestId("device-action-bar");
  for (const name of [/^Quick diagnose$/, /^Restart…$/, /^Maintenance mode (on|off)/, /^Print label$/, /^More$/]) {
    await expect(bar.getByRole("button", { name }).or(bar.getByRole("link", { name }))).toBeInViewport();
  }
  // Thumb-sized: the bar's buttons are at least 44 px high.
  expect((await bar.getByRole("button", { name: "Quick diagnose" }).boundingBox())!.height).toBeGreaterThanOrEqual(44);

  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await bar.getByRole("button", { name: "Quick diagnose" }).click();
  const report = page.getByTestId("quick-diagnosis");
  await expect(report).toBeVisible();
  await expect(report.getByTestId("connectivity")).toHaveText(/Answers|Does not answer|Offline/, { timeout: 60_000 });

  // While the page scrolls, the bar stays in reach and covers no content at the page's end.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(bar.getByRole("button", { name: "Quick diagnose" })).toBeInViewport();
  const barTop = (await bar.boundingBox())!.y;
  const lastTab = page.getByRole("tabpanel").filter({ visible: true });
  const panelBottom = await lastTab.evaluate((element) => element.getBoundingClientRect().bottom);
  expect(panelBottom).toBeLessThanOrEqual(barTop + 1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
});

test("the section a technician chooses is remembered after a reload, on the next device and in another browser, for her only", async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  await signIn(page, "technician");
  await page.goto("/devices/MM003");
  const tab = (name: RegExp) => page.getByRole("tab", { name });
  // the choice is saved by a server action in the background: wait for it before leaving
  const choose = async (on: Page, name: RegExp) => {
    const stored = on.waitForResponse((response) => response.request().method() === "POST" && response.request().headers()["next-action"] !== undefined);
    await on.getByRole("tab", { name }).click();
    expect((await stored).ok()).toBe(true);
  };
  // The choice is the person's, kept in the database: start from Details whatever an earlier
  // spec (or an earlier try of this one) left her on.
  if ((await tab(/^Details/).getAttribute("aria-selected")) !== "true") await choose(page, /^Details/);
  await page.goto("/devices/MM003");
  await expect(tab(/^Details/)).toHaveAttribute("aria-selected", "true");
  const saved = page.waitForResponse((response) => response.request().method() === "POST" && response.request().headers()["next-action"] !== undefined);
  await tab(/^Maintenance/).click();
  await expect(page.getByTestId("device-maintenance")).toBeVisible();
  expect((await saved).ok()).toBe(true);

  await page.goto("/devices/MM003");
  await expect(tab(/^Maintenance/)).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("device-maintenance")).toBeVisible();
  await page.reload();
  await expect(tab(/^Maintenance/)).toHaveAttribute("aria-selected", "true");
  await page.goto("/devices/MM001");
  await expect(tab(/^Maintenance/)).toHaveAttribute("aria-selected", "true");
  // An address that names a section wins over the remembered one.
  await page.goto("/devices/MM001?tab=updates");
  await expect(tab(/^Updates/)).toHaveAttribute("aria-selected", "true");

  // The choice is kept with the person (users.ui_preferences), not in this browser: another
  // browser opens her next device on it too, and the next person on this phone starts from Details.
  const elsewhere = await browser.newContext({ viewport: page.viewportSize(), isMobile: true, hasTouch: true, baseURL });
  const other = await elsewhere.newPage();
  await signIn(other, "technician");
  await other.goto("/devices/MM002");
  await expect(other.getByRole("tab", { name: /^Maintenance/ })).toHaveAttribute("aria-selected", "true");
  await choose(other, /^Details/); // leave her as the other specs expect her
  await elsewhere.close();
  await page.context().clearCookies();
  await signIn(page, "viewer");
  await page.goto("/devices/MM001");
  await expect(tab(/^Details/)).toHaveAttribute("aria-selected", "true");
});
