import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("a viewer cannot open admin pages and a forged mutation is refused on the server", async ({ page }) => {
  await signIn(page, "viewer");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" })).toHaveCount(0);

  await page.goto("/admin/api-keys");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

  // The viewer's own session cookie, a hand-made POST: the server must refuse it.
  const forged = await page.request.post("/api/v1/api-keys", { data: { name: "forged", role: "admin" } });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("forbidden");

  const keys = await page.request.get("/api/v1/api-keys");
  expect(keys.status()).toBe(403);
});

test("an admin creates an API key that is shown once, authenticates the API, and stops working when revoked", async ({ page, request }) => {
  await signIn(page, "admin");
  await page.goto("/admin/api-keys");
  const name = `Herd sync ${Date.now()}`;
  await page.getByLabel("Name").filter({ visible: true }).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^sdm_/);

  const me = await request.get("/api/v1/me", { headers: { "X-API-Key": key } });
  expect(me.status()).toBe(200);
  expect((await me.json()).role).toBe("viewer");
  const bearer = await request.get("/api/v1/farms", { headers: { Authorization: `Bearer ${key}` } });
  // The demo's three farms, and any farm another spec created before (farms-outbox adds one).
  const farms = (await bearer.json()) as { total: number; data: { code: string }[] };
  expect(farms.total).toBeGreaterThanOrEqual(3);
  expect(farms.data.map((farm) => farm.code)).toEqual(expect.arrayContaining(["GVD", "HMF"]));

  // A viewer key may read but not create keys.
  const forbidden = await request.post("/api/v1/api-keys", { headers: { "X-API-Key": key }, data: { name: "escalate", role: "admin" } });
  expect(forbidden.status()).toBe(403);

  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("listitem").filter({ hasText: name }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: name }).getByText("Revoked")).toBeVisible();

  const after = await request.get("/api/v1/me", { headers: { "X-API-Key": key } });
  expect(after.status()).toBe(401);
});

test("invalid API input gets a message per field and changes nothing", async ({ page }) => {
  await signIn(page, "admin");
  const response = await page.request.post("/api/v1/api-keys", { data: { name: "", role: "owner" } });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.error.fields.name[0]).toContain("Give the key a name");
  expect(body.error.fields.role[0]).toBe("Choose a role");
  const notJson = await page.request.post("/api/v1/api-keys", { data: "not json", headers: { "content-type": "application/json" } });
  expect(notJson.status()).toBe(400);
});
