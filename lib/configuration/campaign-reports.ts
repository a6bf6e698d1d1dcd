/**
 * Configuration campaigns (update jobs of kind `configuration`) learn how each device took its
 * version from the same reports that move the shadow: called by the worker's report path in the
 * same transaction (ack-after-commit). OWNED BY THE CAMPAIGN WORK OF ISSUE 16: until it lands this
 * moves nothing, and the worker's tests of the shadow do not depend on it.
 */
import type { Sql } from "../telemetry/sql";
import type { ConfigReport } from "./config-reports";

export type CampaignReportResult = {
  /** Campaign logs this batch finished (completed, failed, rolled back): the engine has a phase to judge. */
  finished: number;
};

export async function applyCampaignReports(sql: Sql, reports: readonly ConfigReport[]): Promise<CampaignReportResult> {
  void sql;
  void reports;
  return { finished: 0 };
}
