import { tooLargeCause } from "@/lib/api/request-guards";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { InvalidError } from "@/lib/errors";
import { MAX_IMPORT_BYTES } from "@/lib/import/csv-reader";
import { previewImport, runImport } from "@/lib/import/device-import";
import { importRequestSchema } from "@/lib/import/import-schemas";

/**
 * Bulk device import (issue 5): a CSV as multipart/form-data (`file` field) or as a raw text/csv
 * body; `mode`, `skip_errors`, `dry_run`, `default_farm` in the query string or the form. `dry_run`
 * answers the preview and writes nothing.
 */
export const POST = withApi(
  async ({ request, actor }) => {
    const url = new URL(request.url);
    const contentType = request.headers.get("content-type") ?? "";
    const fields: Record<string, string> = Object.fromEntries(url.searchParams);
    let source: ReadableStream<Uint8Array>;
    let fileName: string | undefined;
    if (contentType.startsWith("multipart/form-data")) {
      // The platform's multipart parser holds the parts; the file part is then read as a stream.
      let form: FormData;
      try {
        form = await request.formData();
      } catch (error) {
        throw tooLargeCause(error) ?? new InvalidError("The multipart body could not be read.", { file: ["Send the CSV in a `file` field"] });
      }
      for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] ??= value;
      const file = form.get("file");
      if (!file || typeof file === "string") throw new InvalidError("No file was sent.", { file: ["Send the CSV in a `file` field"] });
      source = file.stream();
      fileName = file.name;
    } else if (/^(text\/(csv|plain)|application\/(csv|octet-stream))/.test(contentType) || contentType === "") {
      if (!request.body) throw new InvalidError("No file was sent.", { file: ["Send the CSV as the request body"] });
      source = request.body;
      fileName = request.headers.get("x-file-name") ?? undefined;
    } else {
      throw new InvalidError("Send the CSV as multipart/form-data or text/csv.", { file: [`Unsupported content type ${contentType}`] });
    }
    const options = importRequestSchema.parse(fields);
    const importOptions = { fileName: options.fileName ?? fileName ?? "import.csv", mode: options.mode, skipErrors: options.skip_errors, defaultFarmCode: options.default_farm };
    const db = getDb();
    if (options.dry_run) return { dryRun: true, ...(await previewImport(db, actor, source, importOptions)) };
    return { dryRun: false, ...(await runImport(db, actor, source, importOptions)) };
  },
  { permission: "devices.import", body: { kind: "upload", maxBytes: () => MAX_IMPORT_BYTES, envelope: 64 * 1024, field: "file" } },
);
