/**
 * Posts the CSV to the import endpoint with XMLHttpRequest, which (unlike fetch) reports upload
 * progress. The session cookie authenticates the call.
 */
export type UploadOptions = { file: File; mode: string; skipErrors: boolean; defaultFarm: string; dryRun: boolean; onProgress: (fraction: number) => void };

export class UploadError extends Error {}

export function uploadImport<T>({ file, mode, skipErrors, defaultFarm, dryRun, onProgress }: UploadOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.set("file", file, file.name);
    form.set("mode", mode);
    form.set("skip_errors", skipErrors ? "true" : "false");
    form.set("dry_run", dryRun ? "true" : "false");
    form.set("fileName", file.name);
    if (defaultFarm) form.set("default_farm", defaultFarm);
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/iot/devices/import");
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.upload.onload = () => onProgress(1);
    request.onerror = () => reject(new UploadError("The upload failed. Check your connection and try again."));
    request.onload = () => {
      const body = request.response as { error?: { message?: string; fields?: Record<string, string[]> } } | null;
      if (request.status >= 200 && request.status < 300 && body) return resolve(body as T);
      const message = body?.error?.message ?? `The server answered ${request.status}.`;
      const details = Object.values(body?.error?.fields ?? {}).flat().filter((detail) => detail && detail !== message);
      reject(new UploadError(details.length ? `${message} (${details.join("; ")})` : message));
    };
    request.send(form);
  });
}
