"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { ModalDialog as Modal } from "../ui/modal-dialog";

/**
 * The lists' dialogs (save a view, the shortcuts) on the one shared modal (components/ui/modal-dialog):
 * page behind inert, Tab kept inside, Esc closes, focus back to the opener. Mounted while `open`.
 */
export function ModalDialog({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  return open ? (
    <OpenDialog onClose={onClose} title={title}>
      {children}
    </OpenDialog>
  ) : null;
}

function OpenDialog({ onClose, title, children }: { onClose: () => void; title: string; children: ReactNode }) {
  const body = useRef<HTMLDivElement>(null);
  // A form's first field takes the focus (the view's name is what one types next); the shared
  // modal's own effect, a child's, has run already and focused the dialog.
  useEffect(() => {
    body.current?.querySelector<HTMLElement>("input:not([type='hidden']), select, textarea")?.focus();
  }, []);
  return (
    <Modal label={title} onClose={onClose} className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-stone-200 bg-white text-stone-900 shadow-xl">
      <div ref={body} className="p-4">
        <h2 className="mb-3 text-base font-semibold">{title}</h2>
        {children}
      </div>
    </Modal>
  );
}
