"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { parseLabel, type ParsedLabel } from "@/lib/provisioning/qr-payload";
import { INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON } from "./wizard-field";

export type ReadLabel = Extract<ParsedLabel, { ok: true }>;
export type ReadSource = "camera" | "photo" | "typed";

/** The browser's own QR reader (Chrome on Android has it); jsQR decodes where it is missing. */
type BarcodeDetectorLike = { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };
type BarcodeDetectorClass = { new (options: { formats: string[] }): BarcodeDetectorLike; getSupportedFormats?: () => Promise<string[]> };

async function browserDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ["qr_code"];
    return formats.includes("qr_code") ? new Detector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

/** Reads a QR code from a frame: the browser's detector when present, else jsQR on a downscaled copy. */
async function decodeFrame(source: HTMLVideoElement | ImageBitmap, width: number, height: number, canvas: HTMLCanvasElement, detector: BarcodeDetectorLike | null, thorough: boolean): Promise<string | null> {
  if (detector) {
    try {
      const found = await detector.detect(source);
      if (found[0]?.rawValue) return found[0].rawValue;
      if (!thorough) return null;
    } catch {
      // fall back to jsQR for this frame
    }
  }
  const scale = Math.min(1, (thorough ? 1280 : 640) / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const { default: jsQR } = await import("jsqr");
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts: thorough ? "attemptBoth" : "dontInvert" });
  return code?.data ?? null;
}

function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera permission was refused. Allow the camera for this site in the browser settings, take a photo of the label, or type it below.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera was found on this device. Take a photo of the label or type it below.";
    case "NotReadableError":
      return "The camera is busy in another app. Close it and try again, or type the label below.";
    case "TimeoutError":
      return "The camera did not start. Try again, or type the label below.";
    default:
      return "The camera could not be started. Take a photo of the label or type it below.";
  }
}

type Camera = { status: "starting" } | { status: "scanning" } | { status: "unavailable"; message: string };

/**
 * "Scan label" (M92 task 3.2): the phone camera reads the QR code on the device; a photo or typing
 * the label are the fallbacks. Whatever is read goes through parseLabel, and a code that is not a
 * device label says why.
 */
export function LabelScanner({ onRead, onClose }: { onRead: (label: ReadLabel, source: ReadSource) => void; onClose: () => void }) {
  const ids = useId();
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [camera, setCamera] = useState<Camera>({ status: "starting" });
  const [refusal, setRefusal] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [typedRefusal, setTypedRefusal] = useState<string | null>(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  const onReadRef = useRef(onRead);
  useEffect(() => {
    onReadRef.current = onRead;
  }, [onRead]);

  // The camera runs while the scanner is open and stops when it closes (or a label is read).
  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastRefused = "";
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };

    (async () => {
      await Promise.resolve();
      if (!navigator.mediaDevices?.getUserMedia) {
        setCamera({
          status: "unavailable",
          message: window.isSecureContext ? "This browser gives no access to a camera. Take a photo of the label or type it below." : "The live camera needs a secure (https) address; this page was opened over plain http. Take a photo of the label or type it below.",
        });
        return;
      }
      try {
        const started = navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new DOMException("camera start timed out", "TimeoutError")), 12_000));
        stream = await Promise.race([started, timeout]);
      } catch (error) {
        if (!stopped) setCamera({ status: "unavailable", message: cameraProblem(error) });
        return;
      }
      if (stopped) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      const video = videoRef.current;
      if (!video) return;
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      setCamera({ status: "scanning" });
      const detector = await browserDetector();
      canvasRef.current ??= document.createElement("canvas");
      const tick = async () => {
        if (stopped) return;
        if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
          const text = await decodeFrame(video, video.videoWidth, video.videoHeight, canvasRef.current!, detector, false).catch(() => null);
          if (stopped) return;
          if (text !== null) {
            const parsed = parseLabel(text);
            if (parsed.ok) {
              navigator.vibrate?.(80);
              stop();
              onReadRef.current(parsed, "camera");
              return;
            }
            // The same wrong code in front of the camera is said once, not 4 times a second.
            if (text !== lastRefused) {
              lastRefused = text;
              setRefusal(parsed.reason);
            }
          }
        }
        timer = setTimeout(tick, 200);
      };
      void tick();
    })();
    return stop;
  }, []);

  const submitTyped = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseLabel(typed);
    if (parsed.ok) onRead(parsed, "typed");
    else setTypedRefusal(parsed.reason);
  };

  const readPhoto = async (file: File | undefined) => {
    if (!file) return;
    setPhotoBusy(true);
    setRefusal(null);
    try {
      const bitmap = await createImageBitmap(file);
      canvasRef.current ??= document.createElement("canvas");
      const text = await decodeFrame(bitmap, bitmap.width, bitmap.height, canvasRef.current, await browserDetector(), true);
      bitmap.close();
      if (text === null) {
        setRefusal("No QR code was found in the photo. Hold the phone closer so the code fills the middle of the picture, or type the label below.");
        return;
      }
      const parsed = parseLabel(text);
      if (parsed.ok) onRead(parsed, "photo");
      else setRefusal(parsed.reason);
    } catch {
      setRefusal("The photo could not be read. Try again, or type the label below.");
    } finally {
      setPhotoBusy(false);
    }
  };

  return (
    // The dialog itself takes the focus (not the text field: a phone keyboard would cover the camera).
    <ModalDialog labelledBy={`${ids}-title`} onClose={onClose} className="bg-white max-sm:m-0 sm:m-auto max-sm:h-dvh max-sm:max-h-none max-sm:w-full max-sm:max-w-none sm:w-full sm:max-w-lg sm:rounded-2xl sm:shadow-xl">
      <div className="flex h-full w-full flex-col bg-white">
        <div className="flex items-center justify-between border-b border-stone-200 px-4 py-3">
          <h2 id={`${ids}-title`} className="text-lg font-semibold text-stone-900">
            Scan the device label
          </h2>
          <button type="button" onClick={onClose} className="flex h-11 w-11 items-center justify-center rounded-full text-stone-600 hover:bg-stone-100" aria-label="Close scanner">
            <svg viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" aria-hidden>
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </div>

        <div className="space-y-4 p-4">
          <div className={`relative overflow-hidden rounded-xl bg-stone-900 ${camera.status === "unavailable" ? "hidden" : "aspect-[4/3]"}`}>
            <video ref={videoRef} className="h-full w-full object-cover" playsInline muted aria-label="Camera view" />
            <div className="pointer-events-none absolute inset-0 flex items-center justify-center" aria-hidden>
              <div className="h-3/5 w-3/5 max-w-64 rounded-xl border-4 border-white/80 shadow-[0_0_0_9999px_rgba(0,0,0,0.35)]" />
            </div>
            <p className="absolute inset-x-0 bottom-3 mx-auto w-fit rounded-md bg-black/60 px-3 py-1.5 text-sm text-white" role="status">
              {camera.status === "starting" ? "Starting the camera…" : "Point the camera at the QR code on the device"}
            </p>
          </div>

          {camera.status === "unavailable" ? (
            <p role="status" className="rounded-lg border border-stone-200 bg-stone-50 px-3 py-2.5 text-sm text-stone-700">
              <strong className="text-stone-900">Camera not available.</strong> {camera.message}
            </p>
          ) : null}

          {refusal ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800">
              <strong>Not a device label.</strong> {refusal}
            </p>
          ) : null}

          <label className={`${SECONDARY_BUTTON} w-full cursor-pointer has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600`}>
            <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
              <path d="M4 8h3l2-3h6l2 3h3v11H4z" />
              <circle cx="12" cy="13" r="3.5" />
            </svg>
            {photoBusy ? "Reading the photo…" : "Take a photo of the label"}
            <input type="file" accept="image/*" capture="environment" className="sr-only" onChange={(event) => void readPhoto(event.target.files?.[0])} disabled={photoBusy} />
          </label>

          <form onSubmit={submitTyped} className="space-y-2 border-t border-stone-200 pt-4" noValidate>
            <label htmlFor={`${ids}-typed`} className="block text-sm font-medium text-stone-800">
              Or type the label
            </label>
            <p id={`${ids}-typed-hint`} className="text-xs text-stone-500">
              The device id (MM001), the text under the code (SMARTDAIRY:MM001:milk_meter:SN…), its JSON or a smartdairy://claim link.
            </p>
            <input
              id={`${ids}-typed`}
              className={`${INPUT} font-mono`}
              value={typed}
              onChange={(event) => {
                setTyped(event.target.value);
                setTypedRefusal(null);
              }}
              autoCapitalize="characters"
              autoComplete="off"
              spellCheck={false}
              maxLength={600}
              placeholder="MM001"
              aria-invalid={typedRefusal ? true : undefined}
              aria-describedby={typedRefusal ? `${ids}-typed-error` : `${ids}-typed-hint`}
            />
            {typedRefusal ? (
              <p id={`${ids}-typed-error`} role="alert" className="text-sm text-red-700">
                {typedRefusal}
              </p>
            ) : null}
            <button type="submit" className={`${PRIMARY_BUTTON} w-full`}>
              Use this label
            </button>
          </form>
        </div>
      </div>
    </ModalDialog>
  );
}
