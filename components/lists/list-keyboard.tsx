"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ModalDialog } from "./modal-dialog";

/** Typing in a field, or a modal open: the keys are the person's text, not shortcuts. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest("dialog[open]")) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !["checkbox", "radio", "button", "submit", "reset"].includes((target as HTMLInputElement).type);
  return false;
}

const KEYS = [
  ["/", "keySearch"],
  ["j", "keyNext"],
  ["k", "keyPrev"],
  ["Enter", "keyOpen"],
  ["x", "keySelect"],
  ["Esc", "keyClear"],
  ["?", "keyHelp"],
] as const;

/**
 * Gmail-style keys on a list (Odoo has none; people who live in a list ask for them): `/` search,
 * `j`/`k` move a visible focus through the rows, Enter opens, `x` ticks the row's checkbox, Esc
 * clears the selection and then the search, `?` lists the keys. Rows are `[data-list-row]` inside
 * `[data-list-rows]`; a row opens through its `[data-row-link]` and ticks through its checkbox.
 */
export function ListKeyboard({ searchInputId = "filter-q" }: { searchInputId?: string }) {
  const t = useTranslations("lists");
  const router = useRouter();
  const [help, setHelp] = useState(false);

  useEffect(() => {
    function rows(): HTMLElement[] {
      // the visible copy of the rows (the table on a desktop, the cards on a phone)
      return [...document.querySelectorAll<HTMLElement>("[data-list-rows] [data-list-row]")].filter((row) => row.offsetParent !== null);
    }
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target)) {
        // Esc in the search box leaves it, so j/k work again
        if (event.key === "Escape" && event.target instanceof HTMLInputElement && event.target.id === searchInputId) event.target.blur();
        return;
      }
      const all = rows();
      const active = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>("[data-list-row]") : null;
      const at = active ? all.indexOf(active) : -1;
      const focusRow = (index: number) => {
        const row = all[Math.max(0, Math.min(all.length - 1, index))];
        if (!row) return;
        row.focus();
        row.scrollIntoView({ block: "nearest" });
      };
      switch (event.key) {
        case "/": {
          const search = document.getElementById(searchInputId);
          if (!search) return;
          event.preventDefault();
          search.focus();
          if (search instanceof HTMLInputElement) search.select();
          return;
        }
        case "j":
          event.preventDefault();
          focusRow(at + 1);
          return;
        case "k":
          event.preventDefault();
          focusRow(at < 0 ? 0 : at - 1);
          return;
        case "Enter": {
          // only when the row itself has the focus: Enter on a link or button inside keeps its own meaning
          if (!active || document.activeElement !== active) return;
          const link = active.querySelector<HTMLAnchorElement>("[data-row-link]");
          if (!link) return;
          event.preventDefault();
          router.push(link.getAttribute("href")!);
          return;
        }
        case "x": {
          const box = active?.querySelector<HTMLInputElement>('input[type="checkbox"]');
          if (!box) return;
          event.preventDefault();
          box.click();
          active!.focus();
          return;
        }
        case "Escape": {
          const clearSelection = document.querySelector<HTMLButtonElement>("[data-clear-selection]");
          if (clearSelection) {
            clearSelection.click();
            return;
          }
          const search = document.getElementById(searchInputId);
          if (search instanceof HTMLInputElement && search.value) {
            // through the box's own change handler, so the list's filter state and the URL follow
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(search, "");
            search.dispatchEvent(new Event("input", { bubbles: true }));
          }
          return;
        }
        case "?":
          event.preventDefault();
          setHelp(true);
          return;
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [router, searchInputId]);

  return (
    <>
      <button type="button" onClick={() => setHelp(true)} className="hidden rounded-md px-2 py-1 text-xs text-stone-600 underline decoration-dotted hover:bg-stone-100 md:inline-block">
        {t("shortcutsButton")}
      </button>
      <ModalDialog open={help} onClose={() => setHelp(false)} title={t("shortcuts")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          {KEYS.map(([key, label]) => (
            <div key={key} className="contents">
              <dt>
                <kbd className="rounded border border-stone-300 bg-stone-50 px-1.5 py-0.5 font-mono text-xs">{key}</kbd>
              </dt>
              <dd>{t(label)}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-xs text-stone-500">{t("keyNote")}</p>
        <div className="mt-3 flex justify-end">
          <form method="dialog">
            <button type="submit" className="rounded-md bg-brand-700 px-3 py-1 text-sm font-medium text-white hover:bg-brand-800">
              {t("close")}
            </button>
          </form>
        </div>
      </ModalDialog>
    </>
  );
}
