/**
 * A technician in a barn provisions a device with a phone (issue 4, M92 tasks 3.1 and 3.2): the
 * wizard at 390 px, the live checks of step 2 and 3, the credentials of step 5 used by a simulated
 * device that then shows as online, and the label scanner — by typing when there is no camera, and
 * by a (fake) camera filming a generated QR code.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { create as createQr } from "qrcode";
import { signIn } from "./fixtures";

/** Six random digits: an id no earlier run (or demo device) holds. */
function freshId(prefix: string) {
  return `${prefix}${String(100000 + Math.floor(Math.random() * 900000))}`;
}

async function nextStep(page: Page) {
  await page.getByRole("button", { name: "Next", exact: true }).click();
}

async function expectStep(page: Page, step: number, title: string) {
  await expect(page.getByText(`Step ${step} of 5`).filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: title })).toBeVisible();
}

/** Starts one simulated device in its own process group, so stopping it stops tsx's child too. */
function startSimulator(options: { deviceId: string; username: string; password: string; brokerUrl: string }): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(
    "npx",
    ["tsx", "workers/simulator.ts", "--device", options.deviceId, "--type", "milk_meter", "--username", options.username, "--password", options.password, "--interval", "2"],
    { cwd: process.cwd(), env: { ...process.env, MQTT_URL: options.brokerUrl }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stopSimulator(child: ChildProcess) {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, "SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000));
  if ((await Promise.race([exited, timeout])) === "timeout") process.kill(-child.pid, "SIGKILL");
}

test("a technician provisions a milk meter from a phone and a device comes online with the shown credentials", async ({ page }) => {
  test.setTimeout(180_000);
  const deviceId = freshId("MM");
  await signIn(page, "technician");
  await page.goto("/provisioning");
  await expect(page.getByRole("heading", { level: 1, name: "Provision a device" })).toBeVisible();
  await expectStep(page, 1, "Device type");

  // Step 1: a type is required; every type of the registry has its card.
  await nextStep(page);
  await expect(page.getByText("Pick the type of the device").filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("radio")).toHaveCount(9);
  await page.locator("label").filter({ hasText: "Milk Meter", visible: true }).click();
  await expect(page.getByRole("radio", { name: /Milk Meter/ })).toBeChecked();
  await nextStep(page);

  // Step 2: the id starts with the type's prefix and is checked while it is typed.
  await expectStep(page, 2, "Device information");
  const idField = page.getByLabel("Device ID");
  await expect(idField).toHaveValue("MM");
  await page.getByLabel("Device name").filter({ visible: true }).fill("Parlour stall 14 milk meter");
  await idField.fill("M1");
  await expect(page.getByText("Device ID format: two capital letters and 3–6 digits (e.g. MM001)").filter({ visible: true })).toBeVisible();
  await expect(idField).toHaveAttribute("aria-invalid", "true");
  await idField.fill("mm12");
  await expect(idField).toHaveValue("MM12");
  await nextStep(page);
  await expect(page.getByText("Device ID format: two capital letters and 3–6 digits (e.g. MM001)").filter({ visible: true })).toBeVisible();
  await expectStep(page, 2, "Device information");

  // A demo device already holds MM001: refused here, before the last step.
  await idField.fill("MM001");
  await expect(page.getByText("MM001 is already registered").filter({ visible: true })).toBeVisible();
  await nextStep(page);
  await expectStep(page, 2, "Device information");
  await expect(idField).toHaveAttribute("aria-invalid", "true");

  await idField.fill(deviceId);
  await expect(page.getByText(`${deviceId} is free.`).filter({ visible: true })).toBeVisible();
  // The technician's own farm is chosen already.
  await expect(page.locator("#wizard-farmId")).not.toHaveValue("");
  await nextStep(page);

  // Step 3, and back: nothing typed is lost.
  await expectStep(page, 3, "Hardware");
  await page.getByLabel("Manufacturer").filter({ visible: true }).fill("DeLaval");
  await page.getByRole("button", { name: "Back" }).click();
  await expectStep(page, 2, "Device information");
  await expect(page.getByLabel("Device name")).toHaveValue("Parlour stall 14 milk meter");
  await expect(idField).toHaveValue(deviceId);
  await nextStep(page);
  await expectStep(page, 3, "Hardware");
  await expect(page.getByLabel("Manufacturer")).toHaveValue("DeLaval");
  await page.getByLabel("Model").filter({ visible: true }).fill("MM27BC");
  await page.getByLabel("Serial number").filter({ visible: true }).fill("DL-2026-7781");
  await page.getByLabel("Location").filter({ visible: true }).fill("Parlour, stall 14");
  await page.getByLabel("MAC address").filter({ visible: true }).fill("AA:BB:CC:DD:EE:GG");
  await nextStep(page);
  await expect(page.getByText("MAC address format: six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF").filter({ visible: true })).toBeVisible();
  await expectStep(page, 3, "Hardware");
  await page.getByLabel("MAC address").filter({ visible: true }).fill("aa-bb-cc-dd-ee-0f");
  await page.getByLabel("Latitude").filter({ visible: true }).fill("52.0907");
  await page.getByLabel("Longitude").filter({ visible: true }).fill("5.1214");
  await nextStep(page);

  // Step 4: the review shows what will be created.
  await expectStep(page, 4, "Review");
  await expect(page.getByText(deviceId).filter({ visible: true })).toBeVisible();
  await expect(page.getByText("AA:BB:CC:DD:EE:0F").filter({ visible: true })).toBeVisible();
  await expect(page.getByText("52.0907, 5.1214").filter({ visible: true })).toBeVisible();
  await page.getByRole("button", { name: "Create device" }).click();

  // Step 5: the credentials, once.
  await expectStep(page, 5, "Created");
  await expect(page.getByText(`Parlour stall 14 milk meter (${deviceId}) is provisioned.`).filter({ visible: true })).toBeVisible();
  await expect(page.getByText("Save the password now.").filter({ visible: true })).toBeVisible();
  const credential = (label: string) => page.locator(`[data-credential="${label}"]`).innerText();
  const username = await credential("MQTT username");
  const password = await credential("Password");
  const clientId = await credential("Client ID");
  const brokerUrl = await credential("Broker URL");
  expect(username).toBe(`dev-${deviceId}`);
  expect(clientId).toBe(`sdm-${deviceId}`);
  expect(password.length).toBeGreaterThanOrEqual(32);
  expect(brokerUrl).toMatch(/^mqtts?:\/\//);
  const topics = page.getByRole("list", { name: "Topics" });
  await expect(topics.getByText(`devices/${deviceId}/telemetry`)).toBeVisible();
  await expect(topics.getByText(`devices/${deviceId}/status`)).toBeVisible();
  await expect(topics.getByText(`devices/${deviceId}/commands`, { exact: true })).toBeVisible();
  // The password never lands in the URL or the browser's storage.
  expect(page.url()).not.toContain(password);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toContain(password);

  // Download as JSON and as text.
  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download credentials as JSON" }).click()]);
  expect(jsonDownload.suggestedFilename()).toBe(`device_${deviceId}_credentials.json`);
  const json = JSON.parse(readFileSync((await jsonDownload.path())!, "utf8")) as { deviceId: string; mqtt: { username: string; password: string; brokerUrl: string; topics: { telemetry: string } } };
  expect(json).toMatchObject({ deviceId, mqtt: { username, password, brokerUrl, topics: { telemetry: `devices/${deviceId}/telemetry` } } });
  const [textDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download credentials as text" }).click()]);
  expect(textDownload.suggestedFilename()).toBe(`device_${deviceId}_credentials.txt`);
  const text = readFileSync((await textDownload.path())!, "utf8");
  expect(text).toContain(`Password: ${password}`);
  expect(text).toContain("The password will not be shown again.");

  // The label preview carries the identity, never the password.
  const labelQr = page.getByRole("img", { name: `QR code of the label for ${deviceId}` });
  await expect(labelQr).toHaveAttribute("data-qr-value", `SMARTDAIRY:${deviceId}:milk_meter:DL-2026-7781`);
  await expect(page.getByRole("link", { name: /Print label/ })).toHaveAttribute("href", `/provisioning/label/${deviceId}`);

  // A device with exactly these credentials connects and the device page shows it online.
  const simulator = startSimulator({ deviceId, username, password, brokerUrl });
  try {
    await page.getByRole("link", { name: "Open device" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Parlour stall 14 milk meter" })).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByLabel("Status at a glance")).toContainText("Online", { timeout: 2_000 });
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    expect(simulator.output()).toContain(`sim ${deviceId}: connected`);
  } finally {
    await stopSimulator(simulator.child);
  }
});

test("without a camera, the typed label pre-fills the wizard and a wrong one says why", async ({ page }) => {
  const deviceId = freshId("TS");
  await signIn(page, "technician");
  await page.goto("/provisioning");
  await page.getByRole("button", { name: "Scan label" }).click();
  const scanner = page.getByRole("dialog", { name: "Scan the device label" });
  await expect(scanner).toBeVisible();
  // Headless Chromium has no camera: the scanner says so and offers the fallbacks.
  await expect(scanner.getByText("Camera not available.")).toBeVisible();
  await expect(scanner.getByText("Take a photo of the label", { exact: true })).toBeVisible();

  const typed = scanner.getByLabel("Or type the label");
  await typed.fill("hello cows");
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(scanner.getByRole("alert")).toContainText("Not a Smart Dairy device label");
  await typed.fill("SMARTDAIRY:TS001:toaster:SN-1");
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(scanner.getByRole("alert")).toContainText('Unknown device type "toaster"');
  await typed.fill("MM12");
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(scanner.getByRole("alert")).toContainText('"MM12" is not a valid device id');

  await typed.fill(`SMARTDAIRY:${deviceId}:temperature:TS-SN-0042`);
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(scanner).toBeHidden();
  await expectStep(page, 2, "Device information");
  await expect(page.getByText(`Label read: ${deviceId} · Temperature Sensor · serial TS-SN-0042.`).filter({ visible: true })).toBeVisible();
  await expect(page.getByLabel("Device ID")).toHaveValue(deviceId);
  await expect(page.getByText(`${deviceId} is free.`).filter({ visible: true })).toBeVisible();
  await page.getByLabel("Device name").filter({ visible: true }).fill("Bulk tank thermometer");
  await nextStep(page);
  await expectStep(page, 3, "Hardware");
  await expect(page.getByLabel("Serial number")).toHaveValue("TS-SN-0042");
  // Back to step 1: the type came from the label.
  await page.getByRole("button", { name: "Back" }).click();
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByRole("radio", { name: /Temperature Sensor/ })).toBeChecked();

  // A claim link and a plain id are read too; the id's prefix gives the type.
  await page.getByRole("button", { name: "Scan label" }).click();
  await scanner.getByLabel("Or type the label").filter({ visible: true }).fill("gw12345");
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(page.getByLabel("Device ID")).toHaveValue("GW12345");
  await expect(page.getByText("Label read: GW12345 · Gateway.").filter({ visible: true })).toBeVisible();
  await page.getByRole("button", { name: "Scan label" }).click();
  await scanner.getByLabel("Or type the label").filter({ visible: true }).fill("smartdairy://claim?d=RF12345&t=Zx81_kq-0pLmN3vB");
  await scanner.getByRole("button", { name: "Use this label" }).click();
  await expect(page.getByLabel("Device ID")).toHaveValue("RF12345");
});

/** The shortest way through the wizard: type, name and id, no hardware. */
async function provisionQuickly(page: Page, deviceId: string, name: string) {
  await page.goto("/provisioning");
  await page.locator("label").filter({ hasText: "Gateway", visible: true }).click();
  await nextStep(page);
  await page.getByLabel("Device name").filter({ visible: true }).fill(name);
  await page.getByLabel("Device ID").filter({ visible: true }).fill(deviceId);
  await expect(page.getByText(`${deviceId} is free.`).filter({ visible: true })).toBeVisible();
  await nextStep(page);
  await expectStep(page, 3, "Hardware");
  await nextStep(page);
  await page.getByRole("button", { name: "Create device" }).click();
  await expectStep(page, 5, "Created");
  return page.locator('[data-credential="Password"]').innerText();
}

test("a device id taken while the technician reviews sends her back to step 2 with the reason beside the field; 'Provision another' starts afresh", async ({ page, context }) => {
  const deviceId = freshId("WD");
  await signIn(page, "technician");
  await page.goto("/provisioning");
  await page.locator("label").filter({ hasText: "Water Dispenser", visible: true }).click();
  await nextStep(page);
  await page.getByLabel("Device name").filter({ visible: true }).fill("Paddock trough");
  await page.getByLabel("Device ID").filter({ visible: true }).fill(deviceId);
  await expect(page.getByText(`${deviceId} is free.`).filter({ visible: true })).toBeVisible();
  await nextStep(page);
  await page.getByLabel("Serial number").filter({ visible: true }).fill("WD-SN-1");
  await nextStep(page);
  await expectStep(page, 4, "Review");

  // Meanwhile a colleague registers the same id.
  const colleague = await context.newPage();
  await provisionQuickly(colleague, deviceId, "Colleague's gateway");
  await colleague.close();

  await page.getByRole("button", { name: "Create device" }).click();
  await expectStep(page, 2, "Device information");
  await expect(page.getByText(`Not created: A device with id ${deviceId} already exists.`).filter({ visible: true })).toBeVisible();
  await expect(page.getByText(`${deviceId} is already registered`).filter({ visible: true })).toBeVisible();
  await expect(page.getByLabel("Device ID")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Device name")).toHaveValue("Paddock trough");

  // A new id, and the rest of what was typed is still there.
  const otherId = freshId("WD");
  await page.getByLabel("Device ID").filter({ visible: true }).fill(otherId);
  await expect(page.getByText(`${otherId} is free.`).filter({ visible: true })).toBeVisible();
  await nextStep(page);
  await expect(page.getByLabel("Serial number")).toHaveValue("WD-SN-1");
  await nextStep(page);
  await page.getByRole("button", { name: "Create device" }).click();
  await expectStep(page, 5, "Created");

  await page.getByRole("button", { name: "Provision another" }).click();
  await expectStep(page, 1, "Device type");
  await expect(page.getByRole("radio", { checked: true })).toHaveCount(0);
  await page.locator("label").filter({ hasText: "Water Dispenser", visible: true }).click();
  await nextStep(page);
  await expect(page.getByLabel("Device name")).toHaveValue("");
  await expect(page.getByLabel("Device ID")).toHaveValue("WD");
});

test("on the device page a technician regenerates and revokes credentials and prints the label with a claim code; a viewer sees none of it", async ({ page, browser, baseURL }) => {
  const deviceId = freshId("GW");
  await signIn(page, "technician");
  const firstPassword = await provisionQuickly(page, deviceId, "Calf barn gateway");
  await page.getByRole("link", { name: "Open device" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Calf barn gateway" })).toBeVisible();

  // Regenerate: asked once more, then the new password is shown here, once.
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  // On a phone the less-used actions are under "More" in the action bar.
  await page.getByRole("button", { name: "More", exact: true }).click();
  await page.getByRole("button", { name: "Credentials…" }).click();
  await expect(page.getByText(`dev-${deviceId} — active.`).filter({ visible: true })).toBeVisible();
  await page.getByRole("button", { name: "Regenerate credentials" }).click();
  await expect(page.getByText("Save the password now.").filter({ visible: true })).toBeVisible();
  expect(dialogs.at(-1)).toContain(`Regenerate the credentials of ${deviceId}?`);
  const newPassword = await page.locator('[data-credential="Password"]').innerText();
  expect(newPassword.length).toBeGreaterThanOrEqual(32);
  expect(newPassword).not.toBe(firstPassword);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download credentials as JSON" }).click()]);
  expect(JSON.parse(readFileSync((await download.path())!, "utf8"))).toMatchObject({ deviceId, mqtt: { password: newPassword } });

  // Revoke: asked once more, then said.
  await page.getByRole("button", { name: "Revoke credentials" }).click();
  expect(dialogs.at(-1)).toContain(`Revoke the credentials of ${deviceId}?`);
  await expect(page.getByText("Credentials revoked: the device cannot connect until new ones are generated.").filter({ visible: true })).toBeVisible();
  await expect(page.locator('[data-credential="Password"]')).toHaveCount(0);

  // The label: identity QR, and a claim QR once a token is generated for it, by the button only
  // (opening the page issues nothing: a link must not void a token already printed).
  await page.getByRole("link", { name: "Claim token for label" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Label for ${deviceId}` })).toBeVisible();
  await expect(page.getByRole("img", { name: `Label QR code of ${deviceId}` })).toHaveAttribute("data-qr-value", `SMARTDAIRY:${deviceId}:gateway`);
  const claimQr = page.getByRole("img", { name: `Claim QR code of ${deviceId}` });
  await expect(claimQr).toHaveCount(0);
  await page.getByRole("button", { name: "Add a claim QR (24 h token)" }).click();
  expect(dialogs.at(-1)).toContain(`Generate a claim token for ${deviceId}?`);
  await expect(claimQr).toHaveAttribute("data-qr-value", new RegExp(`^smartdairy://claim\\?d=${deviceId}&t=[A-Za-z0-9_-]{32,}$`));
  await expect(page).toHaveURL(new RegExp(`/provisioning/label/${deviceId}$`));
  await expect(page.getByRole("button", { name: "Print label" })).toBeVisible();

  // A viewer reads the device page without any of these actions, and cannot open the label page.
  const viewerContext = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const viewer = await viewerContext.newPage();
    await signIn(viewer, "viewer");
    await viewer.goto("/devices/MM001");
    await expect(viewer.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(viewer.getByRole("button", { name: "Credentials…" })).toHaveCount(0);
    await expect(viewer.getByRole("link", { name: "Print label" })).toHaveCount(0);
    await viewer.goto("/provisioning/label/MM001");
    await expect(viewer).toHaveURL(/\/forbidden/);
  } finally {
    await viewerContext.close();
  }
});

/**
 * A Y4M video (what Chromium's fake camera plays) of a white frame with a QR code in the middle:
 * luma 16 for dark modules, 235 for light, neutral chroma.
 */
function writeQrVideo(file: string, text: string) {
  const width = 640;
  const height = 480;
  const { modules } = createQr(text, { errorCorrectionLevel: "M" });
  const scale = 8;
  const side = (modules.size + 8) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++) luma.fill(16, (top + (row + 4) * scale + y) * width + left + (col + 4) * scale, (top + (row + 4) * scale + y) * width + left + (col + 5) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frames = Array.from({ length: 5 }, () => [Buffer.from("FRAME\n"), luma, chroma]).flat();
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

test("the phone camera reads the QR code on the label and pre-fills the wizard", async ({ playwright, baseURL }) => {
  // Chromium's fake camera plays a generated video of a label; it needs a browser of its own.
  const scannedId = freshId("FD");
  const video = path.join(os.tmpdir(), `sdm-label-${process.pid}-${scannedId}.y4m`);
  writeQrVideo(video, `SMARTDAIRY:${scannedId}:feeder:FD-CAM-77`);
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, "technician");
    await page.goto("/provisioning");
    await page.getByRole("button", { name: "Scan label" }).click();
    await expect(page.getByText(`Label read: ${scannedId} · Feed Dispenser · serial FD-CAM-77.`).filter({ visible: true })).toBeVisible({ timeout: 20_000 });
    await expectStep(page, 2, "Device information");
    await expect(page.getByRole("dialog", { name: "Scan the device label" })).toBeHidden();
    await expect(page.getByLabel("Device ID")).toHaveValue(scannedId);
  } finally {
    await browser.close();
    rmSync(video, { force: true });
  }
});
