"use client";

import type { ReactNode } from "react";

/** How a save of settings ended, as both editors (a device's, a farm's or group's layer) show it. */
export type SaveFailure = { message: string; conflict: boolean; fields: Record<string, string[]> };

/**
 * The saved message, or why it was not saved: a clash with someone else's change (409) offers a
 * reload, anything else says "Not saved." with the server's message. `children`: the editor's own
 * details (errors it could not place at a field).
 */
export function SaveOutcome({ saved, failure, conflictTitle, reloadLabel, onReload, children }: { saved: string | null; failure: SaveFailure | null; conflictTitle: string; reloadLabel: string; onReload: () => void; children?: ReactNode }) {
  return (
    <>
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          {saved}
        </p>
      ) : null}
      {failure ? (
        <div role="alert" className={`rounded-md border px-3 py-2 text-sm ${failure.conflict ? "border-amber-300 bg-amber-50 text-amber-950" : "border-red-300 bg-red-50 text-red-900"}`}>
          <p className="font-medium">{failure.conflict ? conflictTitle : "Not saved."}</p>
          <p>{failure.message}</p>
          {children}
          {failure.conflict ? (
            <button type="button" onClick={onReload} className="mt-2 rounded-md bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800">
              {reloadLabel}
            </button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
