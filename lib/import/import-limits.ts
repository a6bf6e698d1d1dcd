/** The import's limits, in a module of its own so the browser's file check reads the same numbers. */

/** The largest file accepted, sized for MAX_IMPORT_ROWS rows of the template's columns (about 150 bytes a row). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/**
 * The rows one import takes (issue 20): the rows are staged in PostgreSQL, not held in memory
 * (lib/import/import-staging.ts), so the process's memory does not grow with them.
 */
export const MAX_IMPORT_ROWS = 1_000_000;
