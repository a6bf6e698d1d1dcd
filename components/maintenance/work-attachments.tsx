"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { formatBytes, formatDateTime } from "@/components/devices/device-values";
import { postFormWithProgress, UploadError } from "@/components/ui/post-form";
import { ATTACHMENT_MAX_BYTES } from "@/lib/maintenance/maintenance-fields";
import type { AttachmentRow } from "@/lib/maintenance/maintenance-types";

/** Photos above this are made smaller before they leave the phone. */
const SHRINK_ABOVE = 1_500_000;
const MAX_EDGE = 1920;

/**
 * A phone photo is 3–6 MB; 1920 px on the long edge keeps a serial plate or a worn seal readable at
 * a fifth of the size, which also matters on a barn's weak signal.
 */
async function shrinkPhoto(file: File): Promise<File> {
  if (!file.type.startsWith("image/") || file.size <= SHRINK_ABOVE || typeof createImageBitmap !== "function") return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    for (const quality of [0.85, 0.7, 0.55]) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob && blob.size <= SHRINK_ABOVE) return new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" });
    }
  } catch {
    // A format the browser cannot draw (HEIC on most browsers): send it as it is.
  }
  return file;
}

/** The files kept with the work, and adding one: a photo straight from the phone's camera, or a file. */
export function WorkAttachments({ maintenanceId, attachments, canAdd, timeZone }: { maintenanceId: number; attachments: AttachmentRow[]; canAdd: boolean; timeZone: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const camera = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  async function upload(input: HTMLInputElement | null) {
    const chosen = input?.files?.[0];
    if (!input || !chosen) return;
    setBusy(true);
    setMessage(null);
    try {
      const file = await shrinkPhoto(chosen);
      if (file.size > ATTACHMENT_MAX_BYTES) {
        setMessage({ ok: false, text: `${chosen.name} is ${formatBytes(file.size)}; files up to ${formatBytes(ATTACHMENT_MAX_BYTES)} can be attached.` });
        return;
      }
      const data = new FormData();
      data.set("file", file);
      setProgress(0);
      const row = await postFormWithProgress<AttachmentRow>(`/api/v1/maintenance/${maintenanceId}/attachments`, data, setProgress);
      setMessage({ ok: true, text: `${row.fileName} attached.` });
      router.refresh();
    } catch (error) {
      const text = error instanceof UploadError ? (error.fields.file?.[0] ?? error.message) : "The upload failed. Check your connection and try again.";
      setMessage({ ok: false, text });
    } finally {
      setBusy(false);
      input.value = "";
    }
  }

  return (
    <div>
      {attachments.length ? (
        <ul className="mb-3 divide-y divide-stone-100 text-sm" aria-label="Attachments">
          {attachments.map((file) => (
            <li key={file.id} className="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
              <a href={`/api/v1/maintenance/${maintenanceId}/attachments/${file.id}`} className="min-w-0 break-all font-medium text-brand-700 hover:underline" target="_blank" rel="noopener">
                {file.fileName}
              </a>
              <span className="text-xs text-stone-500">
                {formatBytes(file.sizeBytes)} · {file.uploadedByName ?? "someone"} · {formatDateTime(file.createdAt, timeZone)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-3 text-sm text-stone-500">No photos or files yet.</p>
      )}
      {canAdd ? (
        <div className="flex flex-wrap gap-2">
          <input ref={camera} type="file" accept="image/*,application/pdf" capture="environment" className="peer/photo sr-only" id={`attach-photo-${maintenanceId}`} onChange={() => void upload(camera.current)} />
          <label htmlFor={`attach-photo-${maintenanceId}`} className={`inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-stone-300 bg-white px-4 text-sm font-medium text-stone-800 hover:bg-stone-50 peer-focus-visible/photo:ring-2 peer-focus-visible/photo:ring-brand-600 ${busy ? "pointer-events-none opacity-60" : ""}`}>
            Take a photo
          </label>
          <input ref={picker} type="file" accept="image/*,application/pdf,text/plain,text/csv" className="peer/file sr-only" id={`attach-file-${maintenanceId}`} onChange={() => void upload(picker.current)} />
          <label htmlFor={`attach-file-${maintenanceId}`} className={`inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-stone-300 bg-white px-4 text-sm font-medium text-stone-800 hover:bg-stone-50 peer-focus-visible/file:ring-2 peer-focus-visible/file:ring-brand-600 ${busy ? "pointer-events-none opacity-60" : ""}`}>
            Attach a file
          </label>
          <span aria-live="polite" className="self-center text-sm text-stone-600">
            {busy ? `Uploading… ${Math.round(progress * 100)} %` : null}
          </span>
        </div>
      ) : null}
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={`mt-2 text-sm ${message.ok ? "text-green-800" : "text-red-700"}`}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
