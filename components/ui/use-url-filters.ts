"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

/**
 * A list's filters kept in the URL (a view can be bookmarked and shared; the server renders the
 * filtered page): `navigate` changes some parameters, the one typed parameter (`textParam`) follows
 * the box once the person pauses for `pauseMs`, and `clear` drops every filter.
 */
export function useUrlFilters(textParam: string, pauseMs: number) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [text, setTextState] = useState(searchParams.get(textParam) ?? "");
  const typed = useRef(false);

  function navigate(changes: Record<string, string | null>) {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(key);
      else params.set(key, value);
    }
    // A new filter starts again at the first page; a page number of the old result means nothing.
    if (!("page" in changes)) params.delete("page");
    // …and so does a cursor (the devices list's keyset pages): it points into the old result
    if (!("cursor" in changes)) params.delete("cursor");
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => navigate({ [textParam]: text.trim() || null }), pauseMs);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- navigate reads the latest URL itself
  }, [text]);

  return {
    searchParams,
    navigate,
    pending,
    text,
    setText(value: string) {
      typed.current = true;
      setTextState(value);
    },
    clear() {
      setTextState("");
      typed.current = false;
      startTransition(() => router.replace(pathname, { scroll: false }));
    },
  };
}
