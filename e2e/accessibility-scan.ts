import { expect, test } from "@playwright/test";
import { arrangeCommandRecords, arrangeUpdateJob, describeViolations, scanEveryScreen, VIEWPORTS } from "../scripts/ergonomics/axe-measure";
import { signIn } from "./fixtures";

/**
 * Every screen at 390 px and at desktop width, scanned by axe-core: any serious or critical
 * violation fails the run with its rule, selectors, width and page. Each screen is opened once, at
 * the phone's width, scanned, resized to the desktop's and scanned again (scanEveryScreen).
 */
export function scanEveryScreenTest(title: string) {
  test(title, async ({ page, browser, baseURL }) => {
    // 53 screens × 2 widths: about 3 min on a quiet 2-core machine; room for a loaded one.
    test.setTimeout(15 * 60_000);
    const signedOut = await browser.newContext({ baseURL, viewport: VIEWPORTS.phone });
    await signIn(page, "admin");
    await arrangeCommandRecords(page, baseURL!);
    const cancelUpdateJob = await arrangeUpdateJob(page, baseURL!);
    let measures;
    try {
      measures = await scanEveryScreen({ signedIn: page, signedOut: await signedOut.newPage() });
    } finally {
      await cancelUpdateJob();
      await signedOut.close();
    }
    for (const measure of measures) expect(measure.unreachable, `screens the demo data gave no link to (${measure.viewport})`).toEqual([]);
    const violations = measures.flatMap((measure) => measure.violations);
    const known = violations.filter((violation) => violation.known);
    if (known.length) console.log(`Known, not failing (KNOWN_VIOLATIONS):\n${describeViolations(known)}`);
    const failing = violations.filter((violation) => !violation.known);
    expect(failing, describeViolations(failing)).toEqual([]);
  });
}
