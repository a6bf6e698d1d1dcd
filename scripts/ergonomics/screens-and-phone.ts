/**
 * The accessibility scan (axe-measure.ts) and the phone device page (phone-device-measure.ts) as
 * bench:ergonomics measures: the modules measure, this file turns their results into figures.
 */
import { DEMO_USERS } from "../../prisma/seed";
import { measureAxe } from "./axe-measure";
import { atMost, shown, type ErgonomicsMeasure } from "./measure";
import { measurePhoneDevicePage } from "./phone-device-measure";

const TECHNICIAN = DEMO_USERS.find((user) => user.role === "technician")!;

export const phoneDevicePage: ErgonomicsMeasure = {
  name: "phone device page",
  async run({ browser, base, signedIn }) {
    // A technician: Quick diagnose is only there for someone who may send commands.
    const { context } = await signedIn({ width: 390, height: 844 }, { email: TECHNICIAN.email, isMobile: true });
    try {
      const measured = await measurePhoneDevicePage({ browser, baseURL: base, context });
      const edge = (label: string, value: number | null) => atMost(`${label}: bottom edge at 390 × 844 (${measured.deviceId})`, value ?? Number.POSITIVE_INFINITY, "px", 844);
      return [
        edge("status", measured.edges.status),
        edge("health", measured.edges.health),
        edge("last seen", measured.edges.lastSeen),
        edge("Quick diagnose", measured.edges.quickDiagnose),
        shown("device page length at 390 px", measured.pageLength, "px"),
      ];
    } finally {
      await context.close();
    }
  },
};

export const accessibilityScan: ErgonomicsMeasure = {
  name: "accessibility scan (axe-core, every screen)",
  async run({ base, signedIn, log }) {
    const { context } = await signedIn({ width: 1366, height: 900 });
    try {
      const results = await measureAxe({ context, baseURL: base });
      for (const result of results) for (const violation of result.violations) log(`axe ${result.viewport}: ${violation.screen} ${violation.rule} (${violation.impact})`);
      return results.flatMap((result) => [
        atMost(`serious + critical violations, ${result.viewport}, ${Object.keys(result.perScreen).length} screens`, result.total, "", 0),
        ...(result.unreachable.length ? [shown(`screens not reached, ${result.viewport}`, result.unreachable.length, "")] : []),
      ]);
    } finally {
      await context.close();
    }
  },
};
