/**
 * The rollup tables' names and bucket sizes, and the watermark row's name: plain constants, so the
 * readers (and the chart code the browser also loads) can name them without the job's database code.
 */
export const ROLLUP_TABLES = { "5m": "telemetry_rollup_5m", "1h": "telemetry_rollup_1h" } as const;
export type RollupResolution = keyof typeof ROLLUP_TABLES;
export const ROLLUP_BUCKET_MS: Record<RollupResolution, number> = { "5m": 5 * 60_000, "1h": 3600_000 };

export const WATERMARK_NAME = "samples";
