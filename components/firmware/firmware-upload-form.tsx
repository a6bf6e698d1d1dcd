"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { postFormWithProgress, UploadError } from "@/components/ui/post-form";

type Uploaded = { id: number; version: string; sha256: string; sizeBytes: number };

/**
 * Uploads a binary with its metadata to the firmware API (streamed to storage there), with a
 * progress bar: a 40 MB image over a farm's uplink takes a while.
 */
export function FirmwareUploadForm({ deviceTypes, maxMb }: { deviceTypes: { value: string; label: string }[]; maxMb: number }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState<Uploaded | null>(null);
  const fieldError = (name: string) => fields[name]?.[0];

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setFields({ file: ["Choose the firmware binary"] });
      setError("Choose the firmware binary.");
      return;
    }
    if (file.size > maxMb * 1024 * 1024) {
      setFields({ file: [`The file is larger than ${maxMb} MB`] });
      setError(`The file is larger than ${maxMb} MB.`);
      return;
    }
    setError(null);
    setFields({});
    setDone(null);
    setProgress(0);
    try {
      const uploaded = await postFormWithProgress<Uploaded>("/api/v1/iot/firmware/versions", form, setProgress);
      setDone(uploaded);
      formRef.current?.reset();
      router.refresh();
    } catch (failure) {
      setError(failure instanceof UploadError ? failure.message : "The upload failed.");
      setFields(failure instanceof UploadError ? failure.fields : {});
    } finally {
      setProgress(null);
    }
  }

  return (
    <form ref={formRef} onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <Field id="fw-file" label="Binary" hint={`At most ${maxMb} MB. Size and SHA-256 are computed on the server; the manifest is signed there.`} error={fieldError("file")}>
        <input {...fieldProps("fw-file", fieldError("file"), true)} name="file" type="file" className={`${inputClass} file:mr-3 file:rounded file:border-0 file:bg-stone-100 file:px-2 file:py-1`} />
      </Field>
      <Field id="fw-type" label="Device type" error={fieldError("deviceType")}>
        <select {...fieldProps("fw-type", fieldError("deviceType"))} name="deviceType" className={inputClass} defaultValue="">
          <option value="" disabled>
            Choose…
          </option>
          {deviceTypes.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="fw-version" label="Version" hint="e.g. 2.1.0 or 2.1.0-rc.1; unique per device type" error={fieldError("version")}>
        <input {...fieldProps("fw-version", fieldError("version"), true)} name="version" className={inputClass} autoComplete="off" />
      </Field>
      <Field id="fw-name" label="Name" error={fieldError("name")}>
        <input {...fieldProps("fw-name", fieldError("name"))} name="name" className={inputClass} placeholder="Milk meter firmware" />
      </Field>
      <Field id="fw-models" label="Compatible models" hint="Comma-separated; empty = every model of the type" error={fieldError("compatibleModels")}>
        <input {...fieldProps("fw-models", fieldError("compatibleModels"), true)} name="compatibleModels" className={inputClass} />
      </Field>
      <Field id="fw-min" label="Minimum previous version" hint="Devices on an older version cannot take this one" error={fieldError("minPreviousVersion")}>
        <input {...fieldProps("fw-min", fieldError("minPreviousVersion"), true)} name="minPreviousVersion" className={inputClass} />
      </Field>
      <Field id="fw-manufacturer" label="Manufacturer" error={fieldError("manufacturer")}>
        <input {...fieldProps("fw-manufacturer", fieldError("manufacturer"))} name="manufacturer" className={inputClass} />
      </Field>
      <div className="flex items-end pb-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="isMandatory" value="true" className="size-4" /> Mandatory update
        </label>
      </div>
      <Field id="fw-notes" label="Release notes" error={fieldError("releaseNotes")}>
        <textarea {...fieldProps("fw-notes", fieldError("releaseNotes"))} name="releaseNotes" rows={3} className={inputClass} />
      </Field>
      <Field id="fw-changelog" label="Changelog" error={fieldError("changelog")}>
        <textarea {...fieldProps("fw-changelog", fieldError("changelog"))} name="changelog" rows={3} className={inputClass} />
      </Field>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        <button type="submit" disabled={progress !== null} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          Upload as draft
        </button>
        {progress !== null ? (
          <span className="flex items-center gap-2 text-xs text-stone-600">
            <progress value={Math.round(progress * 100)} max={100} aria-label="Upload progress" className="h-2 w-32 accent-brand-700" />
            <span className="tabular-nums">{progress < 1 ? `Uploading ${Math.round(progress * 100)}%` : "Hashing and signing…"}</span>
          </span>
        ) : null}
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        {done ? (
          <p role="status" className="text-sm text-green-800">
            {done.version} uploaded as a draft ({(done.sizeBytes / 1024).toFixed(0)} KB, SHA-256 <span className="font-mono">{done.sha256.slice(0, 12)}…</span>).
          </p>
        ) : null}
      </div>
    </form>
  );
}
