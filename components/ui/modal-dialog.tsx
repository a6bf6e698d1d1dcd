"use client";

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";

const TABBABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type='hidden']), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1']), video[controls], summary";

function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((element) => element.tabIndex >= 0 && element.getClientRects().length > 0);
}

/**
 * The one modal every dialog uses: the browser's own `<dialog>` opened with showModal(), so the page
 * behind is inert (not clickable, not readable by a screen reader) and Esc closes it. Tab and
 * Shift+Tab wrap at the ends instead of leaving for the browser's toolbar, and on close the focus
 * goes back to what had it before (the button that opened it).
 *
 * It is open while mounted: render it conditionally, and `onClose` unmounts it. Tailwind's reset
 * takes the browser's centring margins away: `className` places it (m-auto to centre, m-0 for a
 * drawer or a full-screen sheet on a phone).
 */
export function ModalDialog({
  labelledBy,
  label,
  onClose,
  className = "",
  initialFocus,
  closeOnBackdrop = false,
  children,
}: {
  labelledBy?: string;
  label?: string;
  onClose: () => void;
  className?: string;
  /** Where the focus starts; the dialog itself when not given (a phone keyboard must not cover a camera view). */
  initialFocus?: React.RefObject<HTMLElement | null>;
  /** A click on the dimmed page behind closes it (a drawer); a form that may hold typing does not. */
  closeOnBackdrop?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    (initialFocus?.current ?? dialog).focus();
    // Esc fires "cancel": the owner closes (unmounts) the dialog, so the browser is not left to close it alone.
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    // Chrome may close a dialog without a cancelable "cancel" (repeated Esc with no user activation): follow it.
    let unmounting = false;
    const onClosed = () => {
      if (!unmounting) onCloseRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("close", onClosed);
    return () => {
      unmounting = true;
      dialog.removeEventListener("cancel", onCancel);
      dialog.removeEventListener("close", onClosed);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- opened once per mount
  }, []);

  const keepTabInside = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab" || !ref.current) return;
    const inside = tabbables(ref.current);
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog ref={ref} aria-labelledby={labelledBy} aria-label={label} tabIndex={-1} onKeyDown={keepTabInside}
      // A click on ::backdrop is reported on the <dialog> itself; its content covers the rest.
      onClick={closeOnBackdrop ? (event) => event.target === ref.current && onClose() : undefined}
      className={`p-0 backdrop:bg-black/60 focus:outline-none ${className}`}>
      {children}
    </dialog>
  );
}
