/**
 * Issue 21's phone measure, for `npm run bench:ergonomics` (scripts/bench-ergonomics.ts lists the
 * measures): on a 390 × 844 phone, a device page's status, health, last seen and the Quick
 * diagnose action all end within the first screen. Returns each one's bottom edge in CSS pixels
 * from the top of the page, measured before any scroll; the target is every edge ≤ 844.
 */
import type { Browser, BrowserContext, BrowserContextOptions } from "@playwright/test";

export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

export type PhoneDevicePageMeasure = {
  name: "phone device page: first-screen bottom edges";
  deviceId: string;
  viewport: typeof PHONE_VIEWPORT;
  /** Bottom edges (px); null when the page does not show it (e.g. Quick diagnose for a viewer). */
  edges: { status: number | null; health: number | null; lastSeen: number | null; quickDiagnose: number | null };
  /** The largest edge, and whether every edge is within the first screen. */
  worst: number | null;
  withinFirstScreen: boolean;
  /** The whole page's length at 390 px, for the record. */
  pageLength: number;
};

/**
 * `context` is a signed-in context (any viewport: its cookies are carried over to a phone-sized
 * one of its own, closed afterwards) or pass `storageState` directly. The person should be
 * allowed to send commands (a technician), or Quick diagnose is not there to measure. Without
 * `deviceId` the first device of the person's devices list is measured.
 */
export async function measurePhoneDevicePage({
  browser,
  baseURL,
  context,
  storageState,
  deviceId,
}: {
  browser: Browser;
  baseURL: string;
  context?: BrowserContext;
  storageState?: BrowserContextOptions["storageState"];
  deviceId?: string;
}): Promise<PhoneDevicePageMeasure> {
  const state = storageState ?? (context ? await context.storageState() : undefined);
  const phone = await browser.newContext({ baseURL, viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, storageState: state });
  try {
    const page = await phone.newPage();
    let id = deviceId;
    if (!id) {
      const response = await page.request.get("/api/v1/devices");
      if (!response.ok()) throw new Error(`The devices list answered ${response.status()}: is the context signed in?`);
      id = ((await response.json()) as { data: { deviceId: string }[] }).data[0]?.deviceId;
      if (!id) throw new Error("No device to measure.");
    }
    await page.goto(`/devices/${encodeURIComponent(id)}`, { timeout: 120_000 });
    await page.getByTestId("device-health").waitFor();
    const bottom = async (locator: ReturnType<typeof page.locator>) => {
      if (!(await locator.count())) return null;
      const box = await locator.first().boundingBox();
      return box ? Math.round((box.y + box.height) * 10) / 10 : null;
    };
    // Bounding boxes are relative to the viewport: the page must not have scrolled.
    await page.evaluate(() => window.scrollTo(0, 0));
    const edges = {
      status: await bottom(page.getByTestId("device-status")),
      health: await bottom(page.getByTestId("device-health")),
      lastSeen: await bottom(page.getByTestId("device-last-seen")),
      quickDiagnose: await bottom(page.getByRole("button", { name: "Quick diagnose" }).filter({ visible: true })),
    };
    const values = Object.values(edges);
    const worst = values.some((value) => value === null) ? null : Math.max(...(values as number[]));
    return {
      name: "phone device page: first-screen bottom edges",
      deviceId: id,
      viewport: PHONE_VIEWPORT,
      edges,
      worst,
      withinFirstScreen: worst !== null && worst <= PHONE_VIEWPORT.height,
      pageLength: await page.evaluate(() => document.documentElement.scrollHeight),
    };
  } finally {
    await phone.close();
  }
}
