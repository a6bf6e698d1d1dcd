import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../prisma/seed";
import { demoUser, signIn } from "./fixtures";

/**
 * The app against hostile pages and links (issue 14, items 6, 7, 8 and 11): another site's pages
 * are served from a second port on the same host (same site, so the session cookie goes along),
 * and the app's own pages are watched for Content-Security-Policy violations.
 */

let attacker: Server;
let attackerOrigin = "";
let attackerPage = "";

test.beforeAll(async () => {
  attacker = createServer((request, response) => {
    if (request.url?.startsWith("/tiles/")) {
      // a 1×1 PNG: the map's tile server when MAP_TILE_URL points here
      response.writeHead(200, { "content-type": "image/png" });
      response.end(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
      return;
    }
    response.writeHead(200, { "content-type": "text/html" });
    response.end(attackerPage);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "localhost", resolve));
  attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

/** Records every CSP violation the page reports, and every console error about one. */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Refused to load (CSP ${event.violatedDirective}): ${event.blockedURI} from ${event.sourceFile}:${event.lineNumber} on ${location.pathname}`);
    });
  });
  return violations;
}

test("a callbackUrl to another site ends on the app, before and after signing in", async ({ page, baseURL }) => {
  const app = new URL(baseURL!);
  // Nothing may leave the app; should the redirect still try, it lands on a stub instead of the network.
  await page.route((url) => url.hostname.includes("evil"), (route) => route.fulfill({ contentType: "text/html", body: "<h1>evil</h1>" }));
  const variants = ["/\\evil.example/x", "//evil.example/x", "https://evil.example/x", "/%5cevil.example/x", "/.//evil.example/x", "\\/evil.example/x"];

  const user = demoUser("admin");
  await page.goto(`/login?callbackUrl=${encodeURIComponent(variants[0]!)}`);
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  expect(new URL(page.url()).host).toBe(app.host);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  // Signed in, /login sends the person on at once: the same values must stay on the app.
  for (const value of variants) {
    await page.goto(`/login?callbackUrl=${encodeURIComponent(value)}`);
    expect(new URL(page.url()).host, value).toBe(app.host);
  }
  // A path of the app is still honoured.
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/devices?q=MM")}`);
  await expect(page).toHaveURL(/\/devices\?q=MM$/);
});

test("a same-site form posting text/plain JSON with the session cookie is refused and changes nothing; the app's own requests work", async ({ page, baseURL }) => {
  const target = "MM006";
  await signIn(page, "admin");
  const read = async () => ((await (await page.request.get(`/api/v1/devices/${target}`)).json()) as { maintenanceMode: boolean }).maintenanceMode;
  const before = await read();
  const action = before ? "maintenanceOff" : "maintenanceOn";
  // The classic text/plain trick: the form's one field name and value add up to a JSON document.
  const json = JSON.stringify({ action, target: { deviceIds: [target] }, pad: "" }).slice(0, -2);
  attackerPage = `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${baseURL}/api/v1/devices/bulk"><input name='${json}' value='"}'></form><script>document.getElementById("f").submit()</script>`;

  const refused = page.waitForResponse((response) => response.url().endsWith("/api/v1/devices/bulk"));
  await page.goto(`${attackerOrigin}/attack`);
  const answer = await refused;
  try {
    expect(answer.status()).toBe(403);
    expect(await read()).toBe(before);
  } finally {
    if ((await read()) !== before) await page.request.post("/api/v1/devices/bulk", { data: { action: before ? "maintenanceOn" : "maintenanceOff", target: { deviceIds: [target] } } });
  }

  // The same change from the app's own page, as JSON, goes through; as text/plain it does not.
  await page.goto("/devices");
  const own = (contentType: string, body: object) =>
    page.evaluate(
      async ([type, payload]) => (await fetch("/api/v1/devices/bulk", { method: "POST", headers: { "content-type": type }, body: payload })).status,
      [contentType, JSON.stringify(body)] as const,
    );
  expect(await own("text/plain", { action, target: { deviceIds: [target] } })).toBe(403);
  expect(await read()).toBe(before);
  expect(await own("application/json", { action, target: { deviceIds: [target] } })).toBe(200);
  expect(await read()).toBe(!before);
  expect(await own("application/json", { action: before ? "maintenanceOn" : "maintenanceOff", target: { deviceIds: [target] } })).toBe(200);
  expect(await read()).toBe(before);
});

test("pages, API answers and firmware downloads carry the security headers; no other site can frame the app", async ({ page, baseURL }) => {
  await signIn(page, "admin");
  const checkCommon = (headers: Record<string, string>, what: string) => {
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], what).toContain("camera=(self)");
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    expect(headers["strict-transport-security"], `${what} over http`).toBeUndefined();
  };

  const pageResponse = await page.goto("/devices/MM005");
  const pageHeaders = pageResponse!.headers();
  checkCommon(pageHeaders, "device page");
  const nonce = pageHeaders["content-security-policy"]!.match(/'nonce-([^']+)'/)?.[1];
  expect(nonce).toBeTruthy();
  // Next.js's own scripts carry this request's nonce
  expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);

  checkCommon((await page.request.get("/api/v1/me")).headers(), "API answer");
  checkCommon((await page.request.get("/login")).headers(), "login page");
  checkCommon((await page.request.get("/no-such-page")).headers(), "404 page");
  const versions = (await (await page.request.get("/api/v1/iot/firmware/versions")).json()) as { data: { id: number }[] };
  expect(versions.data.length).toBeGreaterThan(0);
  const download = await page.request.get(`/api/v1/iot/firmware/versions/${versions.data[0]!.id}/download`);
  expect(download.status()).toBe(200);
  checkCommon(download.headers(), "firmware download");

  // Behind an https proxy (or served over https), browsers are told to stay on https.
  const overHttps = await page.request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(overHttps.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);

  // Another site's page framing the device page with the person's session gets nothing.
  attackerPage = `<!doctype html><h1>cute cows</h1><iframe id="victim" src="${baseURL}/devices/MM005" width="800" height="600"></iframe>`;
  await page.goto(`${attackerOrigin}/frame`);
  await page.waitForTimeout(1_500);
  const framed = page.frames().find((frame) => frame !== page.mainFrame());
  const text = framed ? await framed.evaluate(() => document.body?.innerText ?? "").catch(() => "") : "";
  expect(text).not.toContain("MM005");
});

test("the app's pages run under the CSP without a violation: dashboard map, charts, lists, forms, camera page", async ({ page }) => {
  const violations = await watchCsp(page);
  await signIn(page, "admin");
  for (const path of ["/", "/devices", "/devices/MM005", "/provisioning", "/firmware", "/import", "/updates", "/alerts", "/groups", "/provisioning/label/MM005", "/no-such-page"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  // Hydrated: a client-side control works (the credentials panel opens).
  await page.goto("/devices/MM005");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Credentials…" }).click();
  await expect(page.getByText("MQTT credentials").filter({ visible: true }).first()).toBeVisible();
  // With MAP_TILE_URL set, the dashboard's tiles load from the tile server's origin.
  await page.goto("/");
  const tiles = page.locator("img.leaflet-tile");
  if (await tiles.count()) await expect.poll(() => tiles.first().evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  expect(violations).toEqual([]);
});

test("opening a label link with ?claim=1 issues no token; the button (confirmed) does", async ({ page, request }) => {
  await signIn(page, "technician");
  const deviceId = `GW${String(100000 + Math.floor(Math.random() * 900000))}`;
  const farms = (await (await page.request.get("/api/v1/farms")).json()) as { data?: { id: number }[] } | { id: number }[];
  const farmId = (Array.isArray(farms) ? farms : farms.data!)[0]!.id;
  expect((await page.request.post("/api/v1/devices", { data: { deviceId, name: "Label test gateway", deviceType: "gateway", farmId } })).status()).toBe(201);

  await page.goto(`/provisioning/label/${deviceId}`);
  const claimQr = page.getByRole("img", { name: `Claim QR code of ${deviceId}` });
  await expect(claimQr).toHaveCount(0);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  await page.getByRole("button", { name: "Add a claim QR (24 h token)" }).click();
  await expect(claimQr).toHaveAttribute("data-qr-value", /t=[A-Za-z0-9_-]{32,}$/);
  expect(dialogs.at(-1)).toContain(`Generate a claim token for ${deviceId}?`);
  const printed = new URL((await claimQr.getAttribute("data-qr-value"))!.replace("smartdairy://", "https://x/")).searchParams.get("t")!;

  // Someone sends the old auto-claim link: opening it must not void the printed token.
  await page.goto(`/provisioning/label/${deviceId}?claim=1`);
  await expect(page.getByRole("heading", { level: 1, name: `Label for ${deviceId}` })).toBeVisible();
  await page.waitForTimeout(2_000);
  await expect(claimQr).toHaveCount(0);

  const claim = await request.post("/api/v1/provisioning/claim", { data: { deviceId, token: printed } });
  expect(claim.status()).toBe(200);
});

test("an 8 MB body to the claim or the sign-in endpoint is refused with 413 over HTTP", async ({ request }) => {
  const big = "x".repeat(8 * 1024 * 1024);
  const claim = await request.post("/api/v1/provisioning/claim", { data: big, headers: { "content-type": "application/json" } });
  expect(claim.status()).toBe(413);
  expect(((await claim.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  const signIn = await request.post("/api/auth/callback/credentials", { data: big, headers: { "content-type": "application/x-www-form-urlencoded" } });
  expect(signIn.status()).toBe(413);
});
