/**
 * Posts a form to one of our /api/v1 endpoints with XMLHttpRequest, which (unlike fetch) reports
 * upload progress; the session cookie authenticates the call. A refusal comes back as an
 * UploadError carrying the API's message and per-field errors, for the form to show in place.
 */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

export function postFormWithProgress<T>(url: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.upload.onload = () => onProgress(1);
    request.onerror = () => reject(new UploadError("The upload failed. Check your connection and try again."));
    request.onload = () => {
      const body = request.response as { error?: { message?: string; fields?: Record<string, string[]> } } | null;
      if (request.status >= 200 && request.status < 300 && body) return resolve(body as T);
      reject(new UploadError(body?.error?.message ?? `The server answered ${request.status}.`, body?.error?.fields ?? {}));
    };
    request.send(form);
  });
}
