/**
 * A manager runs the command center (issue 15): filters the fleet's commands in the URL, sends
 * get_status from the "New command" form (an invalid value is refused beside its field first, and
 * nothing is sent), watches it complete; then sends get_status to the whole milking parlour group
 * from the devices list and follows the progress view until every meter that is online has
 * answered, then cancels the command still waiting for the one that is not. The demo simulates
 * Green Valley Dairy's meters MM001–MM006 and keeps about one device in twenty offline; MM003 is
 * this spec's (or another online meter).
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

let METER = "MM003";

async function getStatusCount(page: Page, deviceId: string): Promise<number> {
  const response = await page.request.get(`/api/v1/commands?device=${deviceId}&command=get_status&limit=200`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: unknown[] }).data.length;
}

test.beforeEach(async ({ page }) => {
  await signIn(page, "manager");
  for (const candidate of ["MM003", "MM001", "MM006"]) {
    const device = (await (await page.request.get(`/api/v1/devices/${candidate}`)).json()) as { connectionStatus: string };
    if (device.connectionStatus === "online") {
      METER = candidate;
      break;
    }
  }
});

test("a manager filters the command center by status and device, in the URL", async ({ page }) => {
  await page.goto("/diagnostics");
  await expect(page.getByRole("heading", { level: 1, name: "Diagnostics & commands" })).toBeVisible();
  await expect(page.getByText("Not built yet")).toHaveCount(0);
  const rows = page.getByRole("table").getByTestId("command-row");
  // The demo history: answered, failed, timed out and expired commands of the farm.
  await expect(rows.first()).toBeVisible();

  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows.first()).toBeVisible();
  for (const status of await rows.getByTestId("command-status").evaluateAll((elements) => elements.map((element) => element.getAttribute("data-status")))) expect(status).toBe("failed");

  await page.getByLabel("Status", { exact: true }).selectOption("");
  await expect(page).not.toHaveURL(/status=/);
  await page.getByLabel("Device id").fill("MM002");
  await expect(page).toHaveURL(/device=MM002/);
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasNotText: "MM002" })).toHaveCount(0);
  // The completed diagnostic reads as pass/fail per test.
  await expect(rows.filter({ hasText: "Run diagnostics" }).getByTestId("diagnostic-result")).toContainText(/of \d+ tests passed/);

  // A filter that matches nothing says so.
  await page.goto("/diagnostics?device=MM002&command=calibrate_flow");
  await expect(page.getByRole("heading", { name: "No command matches these filters" })).toBeVisible();
});

test("a manager sends get_status from the New command form: an invalid value is refused in place, then it completes", async ({ page }) => {
  test.setTimeout(120_000);
  const before = await getStatusCount(page, METER);
  await page.goto("/diagnostics");
  await page.getByRole("button", { name: "New command" }).click();
  const form = page.getByRole("region", { name: "New command" });
  await form.getByLabel("Device", { exact: true }).fill(METER);
  await form.getByRole("list", { name: "Matching devices" }).getByRole("button", { name: new RegExp(METER) }).click();
  const command = form.getByLabel("Command", { exact: true });
  await expect(command).toHaveValue("get_status");

  // The parameter form is generated from the catalogue: ping has a count of 1–10.
  await command.selectOption("ping");
  await form.getByLabel(/Count/).fill("11");
  await expect(form.getByRole("alert").filter({ hasText: /10/ })).toBeVisible();
  await command.selectOption("get_status");
  await expect(form.getByText("This command takes no parameters.")).toBeVisible();

  // An expiry past the longest allowed wait is refused beside the field, and nothing is sent.
  await form.getByText(/^Delivery:/).click();
  await form.getByLabel("Expires after (hours)").fill("999");
  await form.getByRole("button", { name: "Send command" }).click();
  await expect(form.getByRole("alert").filter({ hasText: /at most 168/ })).toBeVisible();
  expect(await getStatusCount(page, METER)).toBe(before);

  await form.getByLabel("Expires after (hours)").fill("2");
  await expect(form.getByRole("alert").filter({ hasText: /at most 168/ })).toHaveCount(0);
  await form.getByRole("button", { name: "Send command" }).click();
  await expect(form.getByTestId("command-outcome")).toContainText(`for ${METER}`);
  expect(await getStatusCount(page, METER)).toBe(before + 1);

  // The list follows it live until the meter answers, and shows what it said.
  await page.goto(`/diagnostics?device=${METER}&command=get_status`);
  const newest = page.getByRole("table").getByTestId("command-row").first();
  await expect(newest.getByTestId("command-status").first()).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(newest.getByTestId("status-result")).toContainText("CPU");
});

test("a manager sends get_status to the milking parlour group from the devices list, watches the answers arrive and cancels the rest", async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto("/devices");
  const group = page.getByLabel("Group (incl. sub-groups)");
  const parlour = await group.locator("option", { hasText: "Milking parlour" }).first().getAttribute("value");
  expect(parlour).toBeTruthy();
  // The demo keeps about one device in twenty offline: its command waits for it.
  const listed = await page.request.get(`/api/v1/devices?group=${parlour}&pageSize=25`);
  const meters = ((await listed.json()) as { data: { deviceId: string; connectionStatus: string }[] }).data;
  expect(meters).toHaveLength(6);
  const online = meters.filter((meter) => ["online", "degraded"].includes(meter.connectionStatus)).map((meter) => meter.deviceId);
  const offline = meters.map((meter) => meter.deviceId).filter((id) => !online.includes(id));
  await page.goto(`/devices?group=${parlour}`);
  const table = page.getByRole("table");
  await expect(table.getByRole("row")).toHaveCount(7); // header + six meters
  await table.getByRole("checkbox", { name: "Select all devices on this page" }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar.getByTestId("selection-count")).toHaveText("6 devices selected");
  await bar.getByRole("button", { name: "Send command…" }).click();

  const dialog = page.getByRole("dialog", { name: "Send a command to 6 devices" });
  await expect(dialog.getByLabel("Command")).toHaveValue("get_status");
  // Only commands a milk meter has are offered.
  await expect(dialog.getByLabel("Command").locator("option", { hasText: "zero_flow" })).toHaveCount(1);
  await expect(dialog.getByLabel("Command").locator("option", { hasText: "restart_network" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Send to all" }).click();

  await expect(page).toHaveURL(/\/diagnostics\/batches\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Get status");
  await expect(page.getByTestId("batch-finished")).toContainText("of 6 finished");
  const rows = page.getByRole("table").getByTestId("command-row");
  await expect(rows).toHaveCount(6);
  const counts = page.getByTestId("batch-counts");
  // The meters online answer while the page watches, each with its status figures.
  await expect(page.getByTestId("batch-finished")).toContainText(`${online.length} of 6 finished`, { timeout: 90_000 });
  await expect(counts.locator('[data-status="completed"] dd')).toHaveText(String(online.length));
  for (const meter of online) await expect(rows.filter({ hasText: meter }).getByTestId("status-result")).toContainText("CPU");

  if (offline.length === 0) {
    await expect(page.getByTestId("batch-finished")).toContainText("6 of 6 finished · all done");
    await expect(page.getByRole("button", { name: "Cancel the rest" })).toHaveCount(0);
    return;
  }
  // An offline meter's command waits for it; "Cancel the rest" takes it back.
  await expect(counts.locator('[data-status="queued"] dd')).toHaveText(String(offline.length));
  for (const meter of offline) await expect(rows.filter({ hasText: meter }).getByTestId("command-status").first()).toHaveAttribute("data-status", "queued");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Cancel the rest" }).click();
  await expect(page.getByTestId("batch-finished")).toContainText("6 of 6 finished · the rest was cancelled");
  for (const meter of offline) await expect(rows.filter({ hasText: meter }).getByTestId("command-status").first()).toHaveAttribute("data-status", "cancelled");
  await expect(page.getByRole("button", { name: "Cancel the rest" })).toHaveCount(0);
});
