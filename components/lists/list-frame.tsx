import type { ReactNode } from "react";
import { can, type Actor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import type { ListName } from "@/lib/list-views/list-columns";
import { listPresentation, readPreferences, type ListPresentation } from "@/lib/list-views/list-preferences";
import { listSavedViews } from "@/lib/list-views/saved-views";
import { FilterChips, type FilterChip } from "./filter-chips";
import { ListKeyboard } from "./list-keyboard";
import { ListToolbar, type ToolbarColumn } from "./list-toolbar";

/**
 * A list's frame (alerts, updates, commands, maintenance): its density and chosen columns (the
 * person's, or the URL's), its saved views, the list keys and the active-filter chips, around the
 * page's own table. A page with a column choice reads its presentation first
 * (readListPresentation) to render the columns, and passes it and the columns' labels here.
 * Rows take part through the data attributes ListKeyboard reads.
 */
export async function ListFrame({
  actor,
  list,
  params,
  searchInputId,
  presentation: given,
  columns,
  chips = [],
  children,
}: {
  actor: Actor;
  list: ListName;
  params: Record<string, unknown>;
  searchInputId?: string;
  presentation?: ListPresentation;
  columns?: ToolbarColumn[];
  chips?: FilterChip[];
  children: ReactNode;
}) {
  const db = getDb();
  const [preferences, views] = await Promise.all([given ? null : readPreferences(db, actor), listSavedViews(db, actor, list)]);
  const presentation = given ?? listPresentation(list, preferences ?? {}, { density: params.density, columns: undefined });
  const savedView = typeof params.savedView === "string" && /^\d{1,9}$/.test(params.savedView) ? Number(params.savedView) : null;
  return (
    <>
      <ListToolbar
        list={list}
        density={presentation.density}
        columns={columns}
        visible={columns ? presentation.columns : []}
        views={views.map((view) => ({ id: view.id, name: view.name, href: view.href, mine: view.mine, pinned: view.pinned, editable: view.editable, deletable: view.deletable, shared: view.shared, ownerName: view.ownerName }))}
        currentViewId={savedView}
        canShare={can(actor.role, "views.share")}
      >
        <ListKeyboard searchInputId={searchInputId} />
      </ListToolbar>
      <FilterChips chips={chips} />
      <div data-density={presentation.density}>{children}</div>
    </>
  );
}
