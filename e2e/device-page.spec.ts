import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

/**
 * The device page as the people on a farm use it. The technician of the demo data works at Green
 * Valley Dairy (GVD), whose milk meters are MM001–MM006; MM005 is this spec's. Others may use the
 * same database at the same time, so each story reads the meter's state first and puts back what
 * it changed.
 */
const METER = "MM005";
const OTHER_FARMS_METER = "MM101"; // Hillside Meadow Farm's first milk meter

type DeviceJson = { name: string; state: string; maintenanceMode: boolean; maintenanceNotes: string | null };

async function readDevice(page: Page): Promise<DeviceJson> {
  const response = await page.request.get(`/api/v1/devices/${METER}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as DeviceJson;
}

/** Back to the state a story found, through the API, whatever happened on screen. */
async function restore(page: Page, original: DeviceJson) {
  const now = await readDevice(page);
  if (now.maintenanceMode !== original.maintenanceMode) {
    await page.request.post("/api/v1/devices/bulk", { data: { action: original.maintenanceMode ? "maintenanceOn" : "maintenanceOff", target: { deviceIds: [METER] } } });
  }
  if (now.name !== original.name || now.maintenanceNotes !== original.maintenanceNotes) {
    await page.request.put(`/api/v1/devices/${METER}`, { data: { name: original.name, maintenanceNotes: original.maintenanceNotes } });
  }
}

/** A meter out of maintenance, as the stories expect to find it. */
async function readyMeter(page: Page): Promise<DeviceJson> {
  const device = await readDevice(page);
  if (device.maintenanceMode) {
    await page.request.post("/api/v1/devices/bulk", { data: { action: "maintenanceOff", target: { deviceIds: [METER] } } });
    return readDevice(page);
  }
  return device;
}

const heading = (page: Page, name: string) => page.getByRole("heading", { level: 1, name }).filter({ visible: true });
const currentStep = (page: Page) => page.getByRole("list", { name: "Lifecycle" }).filter({ visible: true }).locator('[aria-current="step"]');
/** The page's sections are tabs below its first screen. */
const openSection = (page: Page, name: RegExp | string) => page.getByRole("tab", { name, exact: typeof name === "string" }).click();
const latestHistoryLine = (page: Page) => page.getByRole("list", { name: "Change history" }).filter({ visible: true }).getByRole("listitem").first();

test("a technician opens a milk meter's page and sees its lifecycle, its health at a glance, every section's tab and every field group", async ({ page }) => {
  await signIn(page, "technician");
  const device = await readyMeter(page);
  await page.goto(`/devices/${METER}`);

  await expect(heading(page, device.name)).toBeVisible();
  await expect(page.getByText(METER, { exact: true }).first()).toBeVisible();
  await expect(currentStep(page)).toHaveText(/Active|Registered|Suspended/);

  for (const fact of ["device-health", "device-status", "device-connection", "device-last-seen", "device-open-alerts"]) await expect(page.getByTestId(fact)).toBeVisible();

  const sections = page.getByRole("tablist", { name: "Device sections" });
  for (const name of [/Details/, /Health history/, /Updates/, /Commands/, /Maintenance/, /History/]) await expect(sections.getByRole("tab", { name })).toBeVisible();
  await expect(sections.getByRole("tab", { name: /Details/ })).toHaveAttribute("aria-selected", "true");

  for (const group of [
    "Identity & hardware",
    "Firmware & update status",
    "Group & tags",
    "Health",
    "Battery & power",
    "Signal & connectivity",
    "Provisioning",
    "Diagnostics",
    "Statistics",
    "Maintenance",
    "Warranty",
    "Asset record",
    "Location",
  ]) {
    await expect(page.getByRole("heading", { level: 2, name: group, exact: true }).first()).toBeVisible();
  }
  // Never a secret: the MQTT username is shown, no password field exists.
  await expect(page.getByText(`dev-${METER}`).or(page.getByText("None issued")).filter({ visible: true }).first()).toBeVisible();
  await expect(page.getByText(/password/i)).toHaveCount(0);

  // Each tab shows its section, the address names it, and arrow keys move between tabs.
  await openSection(page, /Commands/);
  await expect(page).toHaveURL(/[?&]tab=commands/);
  await expect(page.getByRole("heading", { name: "Commands", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Identity & hardware" })).toBeHidden();
  await page.keyboard.press("ArrowRight");
  await expect(sections.getByRole("tab", { name: /Maintenance/ })).toBeFocused();
  await expect(page.getByRole("heading", { name: "Maintenance", exact: true }).filter({ visible: true })).toBeVisible();
  await page.keyboard.press("End");
  await expect(sections.getByRole("tab", { name: "History", exact: true })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("heading", { level: 2, name: "Change history" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("tabpanel", { name: "History", exact: true })).toBeFocused();
});

test("a link to a section's anchor opens its tab: warranty and configuration from other pages", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page, "technician");
  await page.goto(`/devices/${METER}?tab=history`);
  await expect(page.getByRole("tab", { name: "History", exact: true })).toHaveAttribute("aria-selected", "true");
  await page.goto(`/devices/${METER}#warranty`);
  await expect(page.getByRole("tab", { name: /Details/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("section#warranty")).toBeVisible();
  await page.goto(`/devices/${METER}#configuration`);
  await expect(page.getByRole("tab", { name: /Updates/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("section#configuration")).toBeInViewport();
});

test("a technician's empty name is refused beside the field and nothing is saved", async ({ page }) => {
  await signIn(page, "technician");
  const device = await readyMeter(page);
  await page.goto(`/devices/${METER}`);
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(heading(page, `Edit ${device.name}`)).toBeVisible();

  const name = page.getByLabel("Name", { exact: true });
  await name.fill("");
  await page.getByRole("button", { name: "Save changes" }).click();

  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/Name is required/);
  await expect(page).toHaveURL(new RegExp(`/devices/${METER}/edit$`));
  expect((await readDevice(page)).name).toBe(device.name);
});

test("a technician renames a milk meter and the change history names her", async ({ page }) => {
  await signIn(page, "technician");
  const original = await readyMeter(page);
  const renamed = `Parlour meter stall 5 · e2e ${Date.now().toString(36)}`;
  try {
    await page.goto(`/devices/${METER}/edit`);
    await page.getByLabel("Name", { exact: true }).filter({ visible: true }).fill(renamed);
    await page.getByRole("button", { name: "Save changes" }).click();

    await expect(page).toHaveURL(new RegExp(`/devices/${METER}\\?saved=1$`));
    await expect(heading(page, renamed)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Changes saved" })).toBeVisible();
    await openSection(page, "History");
    const line = latestHistoryLine(page);
    await expect(line).toContainText("Priya Nair");
    await expect(line).toContainText(`Name: ${original.name} → ${renamed}`);
  } finally {
    await restore(page, original);
  }
});

test("a technician puts a milk meter in maintenance mode and takes it out again", async ({ page }) => {
  await signIn(page, "technician");
  const original = await readyMeter(page);
  try {
    await page.goto(`/devices/${METER}`);
    await page.getByRole("button", { name: "Maintenance mode on…" }).click();
    await page.getByLabel(/Maintenance notes/).filter({ visible: true }).fill("Replacing the flow sensor (e2e)");
    await page.getByRole("button", { name: "Turn maintenance mode on" }).click();

    await expect(currentStep(page)).toHaveText("Maintenance");
    await expect(page.getByText("Maintenance mode", { exact: true }).first()).toBeVisible();
    await openSection(page, "History");
    const line = latestHistoryLine(page);
    await expect(line).toContainText("Priya Nair");
    await expect(line).toContainText("Maintenance mode: no → yes");
    await expect(line).toContainText("Status: Active → Maintenance");
    // The notes show in the Maintenance field group and in the history line.
    await expect(line).toContainText("Replacing the flow sensor (e2e)");
    await expect(page.getByText("Replacing the flow sensor (e2e)", { exact: true }).filter({ visible: true }).first()).toBeVisible();

    await page.getByRole("button", { name: "Maintenance mode off" }).click();
    await expect(currentStep(page)).toHaveText("Active");
    await expect(latestHistoryLine(page)).toContainText("Maintenance mode: yes → no");
  } finally {
    await restore(page, original);
  }
});

test("a viewer reads the device page without Edit, maintenance or Retire, and cannot open the edit form", async ({ page }) => {
  await signIn(page, "viewer");
  const device = await readDevice(page);
  await page.goto(`/devices/${METER}`);
  await expect(heading(page, device.name)).toBeVisible();
  await expect(page.getByRole("list", { name: "Lifecycle" }).filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Maintenance mode/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Retire/ })).toHaveCount(0);

  await page.goto(`/devices/${METER}/edit`);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
});

test("a technician gets 'not found' for another farm's device and for an id nobody registered", async ({ page }) => {
  await signIn(page, "technician");
  for (const id of [OTHER_FARMS_METER, "ZZ999999"]) {
    await page.goto(`/devices/${id}`);
    await expect(heading(page, "Device not found")).toBeVisible();
  }
});
