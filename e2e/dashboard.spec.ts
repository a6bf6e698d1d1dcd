import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

/**
 * The farm manager's morning look: the headline numbers, the devices on a map that works in a barn
 * without internet, and a device's health charts with their range switch. Read-only: nothing here
 * changes data, so it can share the database with other specs.
 */
test.describe("the dashboard", () => {
  test("shows the headline numbers, the health chart and the farm's summary", async ({ page }) => {
    await signIn(page, "manager");
    const kpis = page.getByTestId("dashboard-kpis").filter({ visible: true });
    for (const label of ["Devices", "Online", "Needs attention", "Open alerts", "Updates running"]) {
      await expect(kpis.getByText(label, { exact: true })).toBeVisible();
    }
    // the demo farm has devices: the first number is not zero
    await expect(kpis.getByRole("link", { name: /^Devices\s*\d+/ })).not.toHaveText(/^Devices\s*0$/);
    await expect(page.getByRole("img", { name: /Health of the fleet: \d+ healthy/ }).filter({ visible: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Health summary — Green Valley Dairy" }).filter({ visible: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Open alerts" }).filter({ visible: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Since yesterday" }).filter({ visible: true })).toBeVisible();
  });

  test("draws the devices on the map with no internet, and a marker opens its device", async ({ page }) => {
    // An offline barn: nothing outside this server can be reached.
    await page.route((url) => !["localhost", "127.0.0.1"].includes(url.hostname), (route) => route.abort("internetdisconnected"));
    await signIn(page, "manager");
    const map = page.locator(".leaflet-container").filter({ visible: true });
    await expect(map).toBeVisible();
    const markers = map.locator("path.device-marker");
    await expect(markers.first()).toBeAttached();
    expect(await markers.count()).toBeGreaterThan(3);
    // either no tiles are configured (plain background, said so) or they failed (a notice): the markers stay either way
    const tiles = await map.locator("img.leaflet-tile").count();
    if (tiles === 0) await expect(page.getByText(/Plain background: no map tiles are configured/).filter({ visible: true })).toBeVisible();
    else await expect(page.getByText(/Map tiles could not be loaded/).filter({ visible: true })).toBeVisible();

    await markers.first().dispatchEvent("click");
    const popup = map.locator(".leaflet-popup");
    await expect(popup).toBeVisible();
    await expect(popup.getByText(/score \d+/)).toBeVisible();
    const deviceId = (await popup.locator("p.font-mono").textContent())!.trim();
    await popup.getByRole("link", { name: "Open device" }).click();
    await expect(page).toHaveURL(new RegExp(`/devices/${deviceId}$`));
  });

  test.describe("on a phone", () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test("fits the screen: nothing wider than 390 px", async ({ page }) => {
      await signIn(page, "manager");
      await expect(page.locator(".leaflet-container").filter({ visible: true })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    });
  });
});

test.describe("a device's health history", () => {
  test("charts battery, signal, score and errors, and switches between 24 h, 7 and 30 days", async ({ page }) => {
    await signIn(page, "manager");
    // A link can open the device page on its Health history tab.
    await page.goto("/devices/MM001?tab=health");
    await expect(page.getByRole("tab", { name: "Health history" })).toHaveAttribute("aria-selected", "true");
    const history = page.getByTestId("health-history").filter({ visible: true });
    await expect(history.getByRole("heading", { name: "Health history" })).toBeVisible();
    const day = history.getByRole("button", { name: "24 h" });
    const week = history.getByRole("button", { name: "7 days" });
    await expect(day).toHaveAttribute("aria-pressed", "true");
    // the demo data has a month of history and the simulator keeps reporting
    await expect(history.getByTestId("chart-score").locator(".recharts-line-curve")).toBeAttached();
    // a milk meter runs on mains: it says so instead of drawing an empty battery chart
    await expect(history.getByText(/No battery readings/)).toBeVisible();
    // the signal chart draws the -70 and -90 dBm limits
    await expect(history.getByTestId("chart-signal").getByText("Weak < -70 dBm")).toBeAttached();

    const loaded = page.waitForResponse((response) => response.url().includes("/api/v1/iot/devices/MM001/health?history=7d") && response.status() === 200);
    await week.click();
    await loaded;
    await expect(week).toHaveAttribute("aria-pressed", "true");
    await expect(day).toHaveAttribute("aria-pressed", "false");
    await expect(history.getByText(/averaged per 1 h/)).toBeVisible();
    await expect(history.getByTestId("chart-score").locator(".recharts-line-curve")).toBeAttached();
  });
});
