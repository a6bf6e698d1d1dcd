import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { signIn } from "./fixtures";

/**
 * A farm manager handles an alert from the list to the end: opens it, acknowledges it with a
 * note, resolves it with a note, and sees the list and the shell's badge follow. A viewer reads
 * the same alert without any buttons, and a forged request is refused.
 *
 * Alerts are raised by the health monitor, whose timing a test cannot hold; so the spec raises
 * its own alert in the running server's database (as the monitor would) and removes it after.
 */

/**
 * The running server's database: the DATABASE_URL it was started with (playwright.config.ts passes
 * the environment on), else its data directory's password and the port in postmaster.pid.
 */
function serverDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  if (process.env.DATABASE_URL && process.env.E2E_PORT !== "3000") return process.env.DATABASE_URL;
  const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? (process.env.E2E_PORT === "3000" ? ".data/dev" : ".data/e2e"));
  const password = readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim();
  const port = readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/smart_dairy`;
}

let client: pg.Client;
const raised: number[] = [];

test.beforeAll(async () => {
  client = new pg.Client({ connectionString: serverDatabaseUrl() });
  await client.connect();
});

test.afterAll(async () => {
  if (raised.length) {
    await client.query("DELETE FROM audit_events WHERE entity_type = 'alert' AND entity_id = ANY($1::text[])", [raised.map(String)]);
    await client.query("DELETE FROM alerts WHERE id = ANY($1::int[])", [raised]);
  }
  await client.end();
});

/** A critical custom alert on a Green Valley Dairy device that has no open custom alert (one per device and type may be open). */
async function raiseAlert(message: string): Promise<{ id: number; deviceId: string }> {
  const { rows } = await client.query<{ id: number; device_id: string }>(
    `INSERT INTO alerts (device_id, alert_type, severity, state, message, occurrence_count, first_occurrence, last_occurrence)
     SELECT d.id, 'custom', 'critical', 'active', $1, 3, now() - interval '2 hours', now()
       FROM devices d JOIN farms f ON f.id = d.farm_id
      WHERE f.code = 'GVD' AND d.state <> 'decommissioned'
        AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.device_id = d.id AND a.alert_type = 'custom' AND a.state <> 'resolved')
      ORDER BY d.device_id LIMIT 1
     RETURNING id, (SELECT device_id FROM devices WHERE id = alerts.device_id) AS device_id`,
    [message],
  );
  const row = rows[0]!;
  raised.push(row.id);
  return { id: row.id, deviceId: row.device_id };
}

/** Open critical + warning alerts of Green Valley Dairy, as the badge counts them. */
async function openCount(): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM alerts a LEFT JOIN devices d ON d.id = a.device_id LEFT JOIN device_groups g ON g.id = a.group_id JOIN farms f ON f.id = coalesce(d.farm_id, g.farm_id)
      WHERE f.code = 'GVD' AND a.state <> 'resolved' AND a.severity IN ('critical', 'warning')`,
  );
  return rows[0]!.count;
}

/** The badge beside "Alerts" in the sidebar: its count (0 when hidden) and whether it is red. */
async function badge(page: Page) {
  const element = page.getByRole("navigation", { name: "Main" }).getByTestId("alerts-badge").filter({ visible: true });
  if ((await element.count()) === 0) return { count: 0, critical: false };
  const title = (await element.getAttribute("title")) ?? "";
  return { count: Number(title.match(/^(\d+) open/)?.[1] ?? NaN), critical: /critical/.test(title) };
}

test("a farm manager acknowledges and resolves an alert, and the list and the badge follow", async ({ page }) => {
  // a dozen page loads: more than the default minute on a busy development server
  test.setTimeout(120_000);
  const token = `E2E ${Date.now()}`;
  const alert = await raiseAlert(`${token}: the parlour gate reported a jam`);
  await signIn(page, "manager");

  // the shell's badge counts it, in red: it is critical
  await expect.poll(async () => (await badge(page)).critical).toBe(true);
  expect((await badge(page)).count).toBeGreaterThanOrEqual(1);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts", exact: true }).filter({ visible: true }).click();
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: token });
  await expect(row).toBeVisible();
  await expect(row.getByText("Critical")).toBeVisible();
  await expect(row.getByRole("link", { name: new RegExp(alert.deviceId) })).toHaveAttribute("href", `/devices/${alert.deviceId}`);
  await row.getByRole("link", { name: "Custom alert" }).click();

  await expect(page).toHaveURL(new RegExp(`/alerts/${alert.id}$`));
  await expect(page.getByRole("heading", { name: "Custom alert" })).toBeVisible();
  await expect(page.getByTestId("alert-state").first()).toHaveText(/Active/);

  await page.getByLabel("Notes (optional)").fill("Seen: checking the gate after milking");
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByTestId("alert-state").first()).toHaveText(/Acknowledged/);
  const card = (title: string) => page.locator("section").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
  await expect(card("Acknowledged")).toContainText("Lars Jensen");
  await expect(card("Acknowledged")).toContainText("Seen: checking the gate after milking");
  await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);

  // resolving needs a note: the server says so beside the field
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByText("Resolution notes is required")).toBeVisible();
  await page.getByLabel("Resolution notes").fill("Gate sensor re-seated, jam cleared");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByTestId("alert-state").first()).toHaveText(/Resolved/);
  await expect(card("Resolved")).toContainText("Lars Jensen");
  await expect(card("Resolved")).toContainText("Gate sensor re-seated, jam cleared");
  await expect(page.getByRole("button", { name: /Resolve|Acknowledge/ })).toHaveCount(0);
  await expect(card("History")).toContainText(/Resolved\s+by Lars Jensen/);

  // the open list no longer shows it; the resolved one does, with who resolved it
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: token })).toHaveCount(0);
  await page.getByLabel("State").filter({ visible: true }).selectOption("resolved");
  await expect(page).toHaveURL(/state=resolved/);
  const resolvedRow = page.getByRole("row").filter({ hasText: token });
  await expect(resolvedRow).toContainText("Resolved");
  await expect(resolvedRow).toContainText("by Lars Jensen");

  // the badge counts the farm's open alerts, this one no longer among them (reloaded only if the
  // health monitor raised or closed another alert while we looked)
  await expect
    .poll(
      async () => {
        const [shown, stored] = [await badge(page), await openCount()];
        if (shown.count !== stored) await page.reload();
        return shown.count === stored;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
});

test("a viewer reads an alert without buttons, and a forged acknowledgement is refused", async ({ page }) => {
  const token = `E2E viewer ${Date.now()}`;
  const alert = await raiseAlert(token);
  await signIn(page, "viewer");
  await page.goto(`/alerts/${alert.id}`);
  await expect(page.getByRole("heading", { name: "Custom alert" })).toBeVisible();
  await expect(page.getByText(token).first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Acknowledge|Resolve/ })).toHaveCount(0);
  await expect(page.getByRole("textbox")).toHaveCount(0);

  const forged = await page.request.post(`/api/v1/iot/alerts/${alert.id}/acknowledge`, { data: { notes: "forged" } });
  expect(forged.status()).toBe(403);
  const read = await page.request.get(`/api/v1/iot/alerts/${alert.id}`);
  expect(read.status()).toBe(200);
  expect((await read.json()).state).toBe("active");
});
