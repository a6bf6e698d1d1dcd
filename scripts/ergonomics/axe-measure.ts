import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page } from "@playwright/test";
import { DEVICE_TYPES } from "../../lib/commands/catalogue";

/**
 * The accessibility scan of every screen (issue 21, item 6): axe-core through its Playwright
 * integration, WCAG 2.x A/AA rules, counting only serious and critical violations (the ones the
 * suite fails on and the benchmark reports; target 0). Shared by e2e/accessibility*.spec.ts and
 * `npm run bench:ergonomics`, so the test and the figure cannot drift apart.
 */

export type Viewport = "desktop" | "phone";
export const VIEWPORTS: Record<Viewport, { width: number; height: number }> = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
};

/** A screen at a fixed address, or one whose id is found by following a link on another screen. */
export type Screen = { name: string; path: string; signedOut?: boolean } | { name: string; from: string; link: RegExp; suffix?: string };

/**
 * Every page under app/(app) and app/(auth). Screens that need an id take the first matching link of
 * a list the demo data fills; the scan fails (rather than skips) a screen it cannot reach.
 */
export const SCREENS: Screen[] = [
  { name: "sign in", path: "/login", signedOut: true },
  { name: "invitation (unknown link)", path: "/invite/not-a-real-invitation-token", signedOut: true },
  { name: "password reset (unknown link)", path: "/reset/not-a-real-reset-token", signedOut: true },
  { name: "dashboard", path: "/" },
  { name: "devices", path: "/devices" },
  { name: "device", from: "/devices", link: /^\/devices\/[^/?#]+$/ },
  { name: "device edit", from: "/devices", link: /^\/devices\/[^/?#]+$/, suffix: "/edit" },
  { name: "device log bundle", from: "/diagnostics", link: /^\/devices\/[^/?#]+\/logs\/[^/?#]+$/ },
  { name: "provisioning", path: "/provisioning" },
  { name: "device label", from: "/devices", link: /^\/devices\/([^/?#]+)$/ },
  { name: "alerts", path: "/alerts" },
  { name: "alert", from: "/alerts", link: /^\/alerts\/\d+$/ },
  { name: "groups & tags", path: "/groups" },
  { name: "new group", path: "/groups/new" },
  { name: "group edit", from: "/groups", link: /^\/groups\/\d+\/edit$/ },
  { name: "farms", path: "/farms" },
  { name: "new farm", path: "/farms/new" },
  { name: "farm", from: "/farms", link: /^\/farms\/\d+$/ },
  { name: "farm edit", from: "/farms", link: /^\/farms\/\d+$/, suffix: "/edit" },
  { name: "firmware", path: "/firmware" },
  { name: "updates", path: "/updates" },
  { name: "new update", path: "/updates/new" },
  { name: "update", from: "/updates", link: /^\/updates\/\d+$/ },
  { name: "diagnostics & commands", path: "/diagnostics" },
  { name: "command batch", from: "/diagnostics", link: /^\/diagnostics\/batches\/\d+$/ },
  { name: "maintenance", path: "/maintenance" },
  { name: "maintenance today", path: "/maintenance/today" },
  { name: "maintenance list", path: "/maintenance/list" },
  { name: "maintenance record", from: "/maintenance/list", link: /^\/maintenance\/\d+$/ },
  { name: "maintenance plans", path: "/maintenance/plans" },
  { name: "new maintenance plan", path: "/maintenance/plans/new" },
  { name: "maintenance plan", from: "/maintenance/plans", link: /^\/maintenance\/plans\/\d+$/ },
  { name: "inventory", path: "/inventory" },
  { name: "stock", path: "/inventory/stock" },
  { name: "transfers", path: "/inventory/transfers" },
  { name: "warranty", path: "/inventory/warranty" },
  { name: "new warranty claim", path: "/inventory/warranty/claims/new" },
  { name: "warranty claim", from: "/inventory/warranty", link: /^\/inventory\/warranty\/claims\/\d+$/ },
  { name: "notifications", path: "/notifications" },
  { name: "notification settings", path: "/notifications/settings" },
  { name: "delivery log", path: "/notifications/deliveries" },
  { name: "costs", path: "/costs" },
  { name: "cost rates", path: "/costs/rates" },
  { name: "bulk import", path: "/import" },
  { name: "profile", path: "/profile" },
  { name: "profile security", path: "/profile/security" },
  { name: "forbidden", path: "/forbidden" },
  { name: "users", path: "/admin/users" },
  { name: "API keys", path: "/admin/api-keys" },
  { name: "audit log", path: "/admin/audit" },
  { name: "outbox", path: "/admin/outbox" },
  { name: "outbox message", from: "/admin/outbox", link: /^\/admin\/outbox\/[^/?#]+$/ },
];

export type Violation = { screen: string; path: string; viewport: Viewport; rule: string; impact: string; help: string; targets: string[]; known?: string };

/**
 * Violations we know of and have not fixed yet: still counted by the benchmark and printed by the
 * specs, but they do not fail the run. Each says why; remove it once fixed.
 */
export const KNOWN_VIOLATIONS: { rule: string; target: RegExp; why: string }[] = [];
export type AxeMeasure = {
  viewport: Viewport;
  perScreen: Record<string, number>;
  total: number;
  violations: Violation[];
  unreachable: string[];
};

/** The links of a list's main area: where the screens that need an id find theirs. */
async function mainLinks(page: Page): Promise<string[]> {
  return page.locator("main a[href]").evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
}

/**
 * The address of a screen: as written, or the first link on its list that fits (the label page
 * takes the device's id). `links` holds the lists already opened (scanEveryScreen opens each list
 * once, to scan it); a list not in it is opened here.
 */
export async function resolveScreen(page: Page, screen: Screen, baseURL?: string, links = new Map<string, string[]>()): Promise<string | null> {
  if ("path" in screen) return screen.path;
  let hrefs = links.get(screen.from);
  if (!hrefs) {
    await page.goto(baseURL ? new URL(screen.from, baseURL).toString() : screen.from);
    hrefs = await mainLinks(page);
    links.set(screen.from, hrefs);
  }
  const href = hrefs.find((candidate) => screen.link.test(candidate));
  if (!href) return null;
  if (screen.name === "device label") return `/provisioning/label/${href.match(screen.link)![1]}`;
  return href + (screen.suffix ?? "");
}

/**
 * Serious and critical axe violations of the page as it is now, one entry per rule with its
 * selectors. Two choices make a scan 2–4× faster (measured on the devices list, the dashboard,
 * groups and the farm form): legacy mode runs axe.run in the page itself, where the default opens
 * a blank page per scan to merge the frames' partial results (there for cross-origin iframes, which
 * no screen here has); and only violations are collected in full (resultTypes), where axe
 * otherwise records every passing node of every rule.
 */
export async function scanPage(page: Page, screen: string, path: string, viewport: Viewport): Promise<Violation[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .options({ resultTypes: ["violations"] })
    .setLegacyMode(true)
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      screen,
      path,
      viewport,
      rule: violation.id,
      impact: violation.impact!,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }))
    .map((violation) => {
      const known = KNOWN_VIOLATIONS.find((entry) => entry.rule === violation.rule && violation.targets.every((target) => entry.target.test(target)));
      return known ? { ...violation, known: known.why } : violation;
    });
}

/** Opens a screen and waits until it has settled (streamed sections and client components included). */
export async function openScreen(page: Page, path: string, baseURL?: string) {
  await page.goto(baseURL ? new URL(path, baseURL).toString() : path);
  // Pages that refresh themselves every second or two never go quiet for long: a short cap, since
  // 'load' already waited for the streamed sections and the scripts that hydrate them.
  await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => undefined);
  // A route's loading.tsx skeleton says aria-busy; the scan is of the screen, not its skeleton.
  await page.locator("[aria-busy='true']").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => undefined);
  // The map is loaded after hydration (Leaflet needs a window): scan it with its markers drawn.
  if (await page.locator(".leaflet-container").count()) await page.locator(".leaflet-marker-icon").first().waitFor({ timeout: 10_000 }).catch(() => undefined);
}

/** The page at another width, laid out again (two frames: React's resize-driven updates and the browser's layout). */
async function resize(page: Page, viewport: Viewport) {
  const size = VIEWPORTS[viewport];
  const now = page.viewportSize();
  if (now?.width === size.width && now.height === size.height) return;
  await page.setViewportSize(size);
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

export function describeViolations(violations: Violation[]): string {
  return violations.map((v) => `[${v.viewport}] ${v.screen} (${v.path}): ${v.rule} (${v.impact}) — ${v.help}${v.known ? ` [known: ${v.known}]` : ""}\n    ${v.targets.join("\n    ")}`).join("\n");
}

/**
 * The demo seeds no command batch and no log bundle: when there is none yet, ask the online demo
 * devices for their logs in one bulk command (the simulated devices upload a bundle each) and wait
 * for the first bundle, so those two screens are scanned too. `page` is signed in as an admin.
 */
export async function arrangeCommandRecords(page: Page, baseURL: string) {
  const origin = new URL(baseURL).origin;
  const hasLink = async (pattern: RegExp) => {
    await page.goto(new URL("/diagnostics", baseURL).toString());
    const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
    return hrefs.some((href) => pattern.test(href));
  };
  const bundle = /^\/devices\/[^/?#]+\/logs\/[^/?#]+$/;
  if (await hasLink(bundle)) return;
  const response = await page.request.post(new URL("/api/v1/commands/bulk", baseURL).toString(), {
    headers: { origin },
    data: { command: "get_logs", target: { filter: { connection: "online" } }, description: "Accessibility scan: logs for the log bundle screen" },
  });
  if (!response.ok()) throw new Error(`could not send the bulk get_logs command: HTTP ${response.status()} ${await response.text()}`);
  for (let attempt = 0; attempt < 24; attempt++) {
    if (await hasLink(bundle)) return;
    await page.waitForTimeout(5_000);
  }
}

/**
 * Nor does it seed an update job: when /updates lists none, schedule one a month ahead (nothing is
 * installed before the run ends) for the devices the first firmware version fits. The answer
 * cancels it again: left scheduled, it would hold those devices, and the next update scheduled for
 * any of them (the updates spec's, later in the same run) is refused as "already in a running update".
 */
export async function arrangeUpdateJob(page: Page, baseURL: string): Promise<() => Promise<void>> {
  await page.goto(new URL("/updates", baseURL).toString());
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
  if (hrefs.some((href) => /^\/updates\/\d+$/.test(href))) return async () => {};
  await page.goto(new URL("/updates/new", baseURL).toString());
  const firmwareIds = await page.getByLabel("Firmware version").locator("option").evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value).filter(Boolean));
  const scheduledAt = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
  const refusals: string[] = [];
  // The first version, to the devices of its type (the refusal of a mixed target names none by type).
  for (const firmwareId of firmwareIds.slice(0, 1)) {
    for (const type of DEVICE_TYPES) {
      const response = await page.request.post(new URL("/api/v1/ota/campaigns", baseURL).toString(), {
        headers: { origin: new URL(baseURL).origin },
        data: { firmwareId: Number(firmwareId), target: { filter: { type } }, scheduledAt, name: "Accessibility scan: an update job to look at" },
      });
      if (response.ok()) {
        const { jobId } = (await response.json()) as { jobId: number };
        return async () => {
          const cancelled = await page.request.post(new URL(`/api/v1/ota/campaigns/${jobId}/actions`, baseURL).toString(), {
            headers: { origin: new URL(baseURL).origin },
            data: { action: "cancel", note: "Accessibility scan done" },
          });
          if (!cancelled.ok()) throw new Error(`could not cancel the scan's update job ${jobId}: HTTP ${cancelled.status()} ${(await cancelled.text()).slice(0, 160)}`);
        };
      }
      refusals.push(`${firmwareId} to ${type}: HTTP ${response.status()} ${(await response.text()).slice(0, 160)}`);
    }
  }
  throw new Error(`could not schedule an update job for the scan:\n${refusals.join("\n")}`);
}

/**
 * Scans every screen at each width given, opening each screen once: it is scanned at the first
 * width, resized to the next and scanned again (the app's layout is CSS only: no script reads the
 * width, so a resized page is the page a phone loads). The lists are opened before the screens
 * found through their links, so no list is opened twice. `signedIn` is signed in as an admin.
 */
export async function scanEveryScreen({ signedIn, signedOut, viewports = ["phone", "desktop"], baseURL, onScreen }: { signedIn: Page; signedOut: Page; viewports?: Viewport[]; baseURL?: string; onScreen?: (screen: string, viewport: Viewport, found: Violation[]) => void }): Promise<AxeMeasure[]> {
  const measures = new Map(viewports.map((viewport) => [viewport, { viewport, perScreen: {}, total: 0, violations: [], unreachable: [] } as AxeMeasure]));
  const lists = new Set(SCREENS.flatMap((screen) => ("from" in screen ? [screen.from] : [])));
  const links = new Map<string, string[]>();
  const ordered = [...SCREENS.filter((screen) => "path" in screen), ...SCREENS.filter((screen) => !("path" in screen))];
  for (const screen of ordered) {
    const page = "signedOut" in screen && screen.signedOut ? signedOut : signedIn;
    const path = await resolveScreen(page, screen, baseURL, links);
    if (!path) {
      for (const measure of measures.values()) measure.unreachable.push(screen.name);
      continue;
    }
    await resize(page, viewports[0]!);
    await openScreen(page, path, baseURL);
    if (lists.has(path) && !links.has(path)) links.set(path, await mainLinks(page));
    for (const viewport of viewports) {
      await resize(page, viewport);
      const found = await scanPage(page, screen.name, path, viewport);
      const measure = measures.get(viewport)!;
      measure.perScreen[screen.name] = found.length;
      measure.total += found.length;
      measure.violations.push(...found);
      onScreen?.(screen.name, viewport, found);
    }
  }
  return [...measures.values()];
}

/**
 * The benchmark's measure: every screen at desktop (1366 × 900) and on a 390 px phone, the count of
 * serious + critical violations per screen and in total. `context` is signed in (an admin reaches
 * every screen); the signed-out screens get a fresh context of the same browser.
 */
export async function measureAxe({ context, baseURL }: { context: BrowserContext; baseURL: string }): Promise<AxeMeasure[]> {
  const browser = context.browser();
  if (!browser) throw new Error("measureAxe needs a context opened from a Browser (for the signed-out screens)");
  const signedIn = await context.newPage();
  const anonymous = await browser.newContext({ baseURL, viewport: VIEWPORTS.phone });
  try {
    await arrangeCommandRecords(signedIn, baseURL);
    const cancelUpdateJob = await arrangeUpdateJob(signedIn, baseURL);
    try {
      return await scanEveryScreen({ signedIn, signedOut: await anonymous.newPage(), baseURL });
    } finally {
      await cancelUpdateJob();
    }
  } finally {
    await signedIn.close();
    await anonymous.close();
  }
}
