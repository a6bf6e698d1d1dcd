import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { MAX_IMPORT_BYTES } from "@/lib/import/csv-reader";
import { previewImport, runImport, type ImportOptions } from "@/lib/import/device-import";
import { importRequestSchema, readOptionsOf } from "@/lib/import/import-schemas";
import { readImportUpload } from "@/lib/import/import-upload";

/**
 * Bulk device import (issues 5 and 19): a CSV, TSV, .xlsx or .ods as multipart/form-data (`file`
 * field) or as the raw body; `mode`, `skip_errors`, `dry_run`, `default_farm`, `create_tags`, the reading options
 * and `mapping` in the query string or the form. `dry_run` answers the preview and writes no
 * device; every attempt (refused, dry run, import) is kept as a batch.
 */
export const POST = withApi(
  async ({ request, actor }) => {
    const { source, fileName, fields, dispose } = await readImportUpload(request);
    try {
      const options = importRequestSchema.parse(fields);
      const importOptions: ImportOptions = {
        fileName: options.fileName ?? fileName ?? "import.csv",
        mode: options.mode,
        skipErrors: options.skip_errors,
        defaultFarmCode: options.default_farm,
        read: readOptionsOf(options),
        mapping: options.mapping,
        batchId: options.batch_id ?? null,
        createTags: options.create_tags,
      };
      const db = getDb();
      if (options.dry_run) return { dryRun: true, ...(await previewImport(db, actor, source, importOptions)) };
      return { dryRun: false, ...(await runImport(db, actor, source, importOptions)) };
    } finally {
      await dispose();
    }
  },
  { permission: "devices.import", body: { kind: "upload", maxBytes: () => MAX_IMPORT_BYTES, envelope: 64 * 1024, field: "file" } },
);
