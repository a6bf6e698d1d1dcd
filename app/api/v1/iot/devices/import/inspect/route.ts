import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { MAX_IMPORT_BYTES } from "@/lib/import/csv-reader";
import { inspectImport } from "@/lib/import/import-inspect";
import { importRequestSchema, readOptionsOf } from "@/lib/import/import-schemas";
import { readImportUpload } from "@/lib/import/import-upload";

/**
 * The options and mapping steps of an import: how the file reads with the options given (each
 * one detected when left out), its first lines, header, values and the mapping to start from.
 * Writes nothing; a file that cannot be read at all is recorded as a refused attempt.
 */
export const POST = withApi(
  async ({ request, actor }) => {
    const { source, fileName, fields, dispose } = await readImportUpload(request);
    try {
      const options = importRequestSchema.parse(fields);
      return await inspectImport(getDb(), actor, source, {
        fileName: options.fileName ?? fileName ?? "import.csv",
        mode: options.mode,
        skipErrors: options.skip_errors,
        read: readOptionsOf(options),
        mapping: options.mapping,
      });
    } finally {
      await dispose();
    }
  },
  { permission: "devices.import", body: { kind: "upload", maxBytes: () => MAX_IMPORT_BYTES, envelope: 64 * 1024, field: "file" } },
);
