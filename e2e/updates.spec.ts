import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

/**
 * An admin rolls a new milk meter firmware out to two milking-parlour meters: uploads the binary,
 * moves it to testing, schedules the update in the wizard, and watches the job page follow the
 * devices without reloading.
 *
 * Two meters the simulator has connected, MM004 and MM006 by preference (other specs use MM001–
 * MM003 and MM005, and this spec runs after them): an update goes only to a device that is online,
 * and the demo keeps one device of its fleet offline, chosen at random. The version is new on every
 * run, so the spec can run again against a server that is kept running.
 */
const CANDIDATES = ["MM004", "MM006", "MM005", "MM003", "MM002", "MM001"];
let DEVICES: string[] = [];
const VERSION = `2.1.${Date.now() % 1_000_000}`;

let jobUrl: string | null = null;

/** A job left running (no engine yet, or a failed step) would keep the meters busy for the next run. */
test.afterEach(async ({ page }) => {
  if (!jobUrl) return;
  await page.goto(jobUrl);
  const cancel = page.getByRole("button", { name: "Cancel job…" });
  if (await cancel.isVisible()) {
    await cancel.click();
    await page.getByRole("button", { name: "Confirm: cancel job" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Cancelled" })).toBeVisible();
  }
});

async function uploadTestingFirmware(page: Page) {
  await page.goto("/firmware");
  // Scoped to the visible upload panel (a <details>, role group): while the streamed page settles
  // its markup can briefly be in the document twice, once hidden.
  const upload = page.getByRole("group").filter({ hasText: "Upload a firmware version" });
  await upload.getByText("Upload a firmware version").click();
  await upload.getByLabel("Binary").setInputFiles({ name: `flowsense-mm400-${VERSION}.bin`, mimeType: "application/octet-stream", buffer: Buffer.alloc(48 * 1024, 7) });
  await upload.getByLabel("Device type").selectOption({ label: "Milk Meter" });
  await upload.getByLabel("Version", { exact: true }).fill(VERSION);
  await upload.getByLabel("Name").fill(`Milk meter firmware ${VERSION}`);
  await upload.getByRole("button", { name: "Upload as draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: `${VERSION} uploaded as a draft` })).toBeVisible();
  await page.getByRole("button", { name: `Start testing ${VERSION}` }).click();
  await expect(page.getByRole("button", { name: `Release as stable ${VERSION}` })).toBeVisible();
}

test("an admin schedules a firmware update for two meters and watches it on the job page", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin");
  // An update is sent only to a device that is online: take two meters the simulator has connected.
  await expect
    .poll(async () => {
      const response = await page.request.get("/api/v1/devices?type=milk_meter&connection=online&pageSize=100");
      const online = new Set(((await response.json()) as { data: { deviceId: string }[] }).data.map((device) => device.deviceId));
      DEVICES = CANDIDATES.filter((deviceId) => online.has(deviceId)).slice(0, 2);
      return DEVICES.length;
    }, { timeout: 60_000 })
    .toBe(2);
  await uploadTestingFirmware(page);

  // The wizard opens with the meters from the address and counts them on the server.
  await page.goto(`/updates/new?devices=${DEVICES.join(",")}`);
  await expect(page.getByRole("heading", { level: 1, name: "Schedule a firmware update" })).toBeVisible();
  await expect(page.getByLabel("Device ids")).toHaveValue(DEVICES.join(", "));
  await expect(page.getByTestId("target-preview")).toContainText("2 devices match: 2 Milk Meters");

  // Without a version the server refuses beside the field and schedules nothing.
  await page.getByRole("button", { name: "Schedule update now" }).click();
  await expect(page.getByText("Pick a firmware version").first()).toBeVisible();

  await page.getByLabel("Firmware version").selectOption({ label: `${VERSION} — Milk Meter (testing)` });

  // A collar cannot take milk meter firmware: the server names it beside the devices, nothing is scheduled.
  await page.getByLabel("Device ids").fill(`${DEVICES.join(", ")}, AC001`);
  await expect(page.getByTestId("target-preview")).toContainText("3 devices match");
  await page.getByRole("button", { name: "Schedule update now" }).click();
  await expect(page.getByText("AC001 is a collar, the firmware is for milk meter")).toBeVisible();
  await expect(page).toHaveURL(/\/updates\/new/);
  await page.getByLabel("Device ids").fill(DEVICES.join(", "));

  await page.getByLabel("Job name (optional)").fill(`Parlour meters to ${VERSION}`);
  await page.getByRole("radio", { name: /Canary/ }).check();
  await page.getByLabel("Soak time after the canary (minutes)").fill("0");
  // How long an offline or silent meter may keep the job waiting before it counts as failed.
  await expect(page.getByLabel("Device timeout (minutes)")).toHaveValue("30");
  await page.getByLabel("Device timeout (minutes)").fill("20");
  await page.getByRole("button", { name: "Schedule update now" }).click();

  await expect(page).toHaveURL(/\/updates\/\d+$/);
  jobUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: `Parlour meters to ${VERSION}` })).toBeVisible();
  await expect(page.getByTestId("job-device-count")).toContainText("2 devices");
  await expect(page.getByTestId("job-phase")).toHaveCount(2);
  await expect(page.getByText("20 min · an offline or silent device fails after it")).toBeVisible();
  const devices = page.getByRole("table", { name: "Device updates" });
  for (const deviceId of DEVICES) await expect(devices.getByRole("link", { name: new RegExp(deviceId) })).toBeVisible();
  await expect(devices.getByRole("row")).toHaveCount(3);
  await expect(page.getByTestId("job-counts").first()).toContainText(/\d+ done/);

  // The jobs list shows it, newest first.
  await page.goto("/updates");
  await expect(page.getByRole("link", { name: `Parlour meters to ${VERSION}` }).filter({ visible: true })).toBeVisible();
  await page.goto(jobUrl);

  await test.step("progress reaches completed", async () => {
    // Needs the worker's OTA engine and the simulator's OTA support: the page polls by itself, no reload.
    await expect.poll(async () => page.getByTestId("job-state").first().innerText(), { timeout: 120_000, intervals: [2_000] }).toContain("Completed");
    await expect(page.getByRole("progressbar", { name: "Devices finished" })).toHaveAttribute("aria-valuenow", "100");
    await expect(devices.getByTestId("log-state").filter({ hasText: "Completed" })).toHaveCount(2);
  });
});
