import { postFormWithProgress, UploadError } from "../ui/post-form";

export { UploadError };

export type UploadOptions = { file: File; mode: string; skipErrors: boolean; defaultFarm: string; dryRun: boolean; onProgress: (fraction: number) => void };

/** Posts the CSV to the import endpoint; a refusal's field details join its message (one line in the wizard). */
export async function uploadImport<T>({ file, mode, skipErrors, defaultFarm, dryRun, onProgress }: UploadOptions): Promise<T> {
  const form = new FormData();
  form.set("file", file, file.name);
  form.set("mode", mode);
  form.set("skip_errors", skipErrors ? "true" : "false");
  form.set("dry_run", dryRun ? "true" : "false");
  form.set("fileName", file.name);
  if (defaultFarm) form.set("default_farm", defaultFarm);
  try {
    return await postFormWithProgress<T>("/api/v1/iot/devices/import", form, onProgress);
  } catch (error) {
    if (!(error instanceof UploadError)) throw error;
    const details = Object.values(error.fields).flat().filter((detail) => detail && detail !== error.message);
    throw new UploadError(details.length ? `${error.message} (${details.join("; ")})` : error.message);
  }
}
