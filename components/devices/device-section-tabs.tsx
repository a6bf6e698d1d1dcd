"use client";

import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { saveDeviceSectionAction } from "@/components/lists/actions";
import { DEVICE_SECTION_LABEL, DEVICE_SECTIONS, type DeviceSection } from "./device-sections";

/**
 * The device page below its first screen: one tab per section (WAI-ARIA tabs pattern — arrow keys,
 * Home and End move and select, Tab goes into the panel). Every panel is rendered, the others
 * hidden, so a link to an anchor inside one (`#warranty`, `#configuration`, `#commands`) opens
 * its tab and scrolls to it. The chosen tab is written to the address (`?tab=`) so it can be
 * shared, and remembered for the person in their stored preferences (users.ui_preferences, with
 * the lists' density), so their next device page opens on it, in this browser or another.
 */
export function DeviceSectionTabs({ initial, counts, panels }: { initial: DeviceSection; counts: Partial<Record<DeviceSection, number>>; panels: Record<DeviceSection, ReactNode> }) {
  const [selected, setSelected] = useState<DeviceSection>(initial);
  const tabs = useRef<Partial<Record<DeviceSection, HTMLButtonElement | null>>>({});
  const scrollTo = useRef<string | null>(null);

  const choose = useCallback(
    (section: DeviceSection) => {
      setSelected(section);
      // Remembered in the background: the tab has switched already, and a failure only means the next page opens on the last saved one.
      void saveDeviceSectionAction(null, { section }).catch(() => undefined);
      const url = new URL(window.location.href);
      url.searchParams.set("tab", section);
      url.hash = "";
      window.history.replaceState(window.history.state, "", url);
    },
    [],
  );

  // An anchor in the address (a link from the alerts, updates or warranty pages) opens its tab.
  useEffect(() => {
    const follow = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      if (!id) return;
      const target = document.getElementById(id);
      const panel = target?.closest<HTMLElement>("[data-device-section]");
      const section = panel?.dataset.deviceSection as DeviceSection | undefined;
      if (!target || !section) return;
      scrollTo.current = id;
      setSelected(section);
    };
    follow();
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  useEffect(() => {
    if (!scrollTo.current) return;
    document.getElementById(scrollTo.current)?.scrollIntoView({ block: "start" });
    scrollTo.current = null;
  }, [selected]);

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const at = DEVICE_SECTIONS.indexOf(selected);
    const next =
      event.key === "ArrowRight" || event.key === "ArrowDown"
        ? DEVICE_SECTIONS[(at + 1) % DEVICE_SECTIONS.length]
        : event.key === "ArrowLeft" || event.key === "ArrowUp"
          ? DEVICE_SECTIONS[(at - 1 + DEVICE_SECTIONS.length) % DEVICE_SECTIONS.length]
          : event.key === "Home"
            ? DEVICE_SECTIONS[0]
            : event.key === "End"
              ? DEVICE_SECTIONS[DEVICE_SECTIONS.length - 1]
              : null;
    if (!next) return;
    event.preventDefault();
    choose(next);
    tabs.current[next]?.focus();
  }

  return (
    <div data-testid="device-sections">
      {/* Three by two on a phone: every section in sight, none behind a sideways scroll. */}
      <div role="tablist" aria-label="Device sections" className="grid grid-cols-3 gap-1 rounded-xl bg-stone-100 p-1 sm:flex sm:flex-wrap">
        {DEVICE_SECTIONS.map((section) => {
          const active = section === selected;
          return (
            <button
              key={section}
              ref={(element) => {
                tabs.current[section] = element;
              }}
              type="button"
              role="tab"
              id={`device-tab-${section}`}
              aria-selected={active}
              aria-controls={`device-panel-${section}`}
              tabIndex={active ? 0 : -1}
              onClick={() => choose(section)}
              onKeyDown={onKeyDown}
              className={`inline-flex min-h-11 items-center justify-center gap-1.5 rounded-lg px-2 py-1.5 text-center text-sm leading-tight font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 sm:min-h-0 sm:px-3 ${
                active ? "bg-white text-stone-900 shadow-sm ring-1 ring-stone-200" : "text-stone-600 hover:bg-white/60 hover:text-stone-900"
              }`}
            >
              {DEVICE_SECTION_LABEL[section]}
              {counts[section] !== undefined ? <span className={`rounded-full px-1.5 text-xs tabular-nums ${active ? "bg-brand-100 text-brand-900" : "bg-stone-200 text-stone-700"}`}>{counts[section]}</span> : null}
            </button>
          );
        })}
      </div>
      {DEVICE_SECTIONS.map((section) => (
        <div
          key={section}
          role="tabpanel"
          id={`device-panel-${section}`}
          aria-labelledby={`device-tab-${section}`}
          data-device-section={section}
          hidden={section !== selected}
          tabIndex={0}
          className="mt-4 space-y-4 rounded-xl focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-brand-700"
        >
          {panels[section]}
        </div>
      ))}
    </div>
  );
}
