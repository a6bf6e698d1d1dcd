import type { ColumnMapping } from "@/lib/import/column-mapping";
import type { ImportInspection } from "@/lib/import/import-inspect";
import { postFormWithProgress, UploadError } from "../ui/post-form";

export { UploadError };

/** The reading options as the page holds them ("auto" = let the server detect). */
export type ReadChoices = { encoding: string; separator: string; sheet: string; headerRow: string; dateFormat: string; decimal: string };
export const AUTO_CHOICES: ReadChoices = { encoding: "auto", separator: "auto", sheet: "", headerRow: "auto", dateFormat: "auto", decimal: "auto" };

export type UploadOptions = {
  file: File;
  mode: string;
  skipErrors: boolean;
  createTags?: boolean;
  defaultFarm: string;
  dryRun: boolean;
  onProgress: (fraction: number) => void;
  read?: ReadChoices;
  mapping?: ColumnMapping | null;
  batchId?: number | null;
};

function formOf(file: File, read: ReadChoices | undefined, mapping: ColumnMapping | null | undefined) {
  const form = new FormData();
  form.set("file", file, file.name);
  form.set("fileName", file.name);
  if (read) {
    form.set("encoding", read.encoding);
    form.set("separator", read.separator);
    if (read.sheet) form.set("sheet", read.sheet);
    form.set("header_row", read.headerRow);
    form.set("date_format", read.dateFormat);
    form.set("decimal", read.decimal);
  }
  if (mapping) form.set("mapping", JSON.stringify(mapping));
  return form;
}

/** A refusal's field details join its message (one line in the wizard). */
function oneLine(error: unknown): never {
  if (!(error instanceof UploadError)) throw error;
  const details = Object.values(error.fields).flat().filter((detail) => detail && detail !== error.message);
  throw new UploadError(details.length ? `${error.message} (${details.join("; ")})` : error.message);
}

/** Posts the file to the import endpoint: the preview (dry run) or the import. */
export async function uploadImport<T>({ file, mode, skipErrors, createTags, defaultFarm, dryRun, onProgress, read, mapping, batchId }: UploadOptions): Promise<T> {
  const form = formOf(file, read, mapping);
  form.set("mode", mode);
  form.set("skip_errors", skipErrors ? "true" : "false");
  if (createTags) form.set("create_tags", "true");
  form.set("dry_run", dryRun ? "true" : "false");
  if (defaultFarm) form.set("default_farm", defaultFarm);
  if (batchId) form.set("batch_id", String(batchId));
  try {
    return await postFormWithProgress<T>("/api/v1/iot/devices/import", form, onProgress);
  } catch (error) {
    return oneLine(error);
  }
}

/** Reads the file with the options chosen so far, for the options and mapping steps. */
export async function inspectFile(file: File, read: ReadChoices, mapping: ColumnMapping | null, onProgress: (fraction: number) => void): Promise<ImportInspection> {
  try {
    return await postFormWithProgress<ImportInspection>("/api/v1/iot/devices/import/inspect", formOf(file, read, mapping), onProgress);
  } catch (error) {
    return oneLine(error);
  }
}
