/**
 * Saved list views (Odoo's favourites): a name for a list's URL query. Personal by default; a
 * manager or admin may share one with a farm (views.share, checked here, whatever the page shows).
 * Who sees what: your own views, and the shared views of your farm (and those shared with every
 * farm); someone of every farm sees every shared view. Only the owner changes a view; the owner or
 * an admin deletes it. Names are unique per person and list, whatever their case.
 */
import { Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { LIST_PATH, type ListName } from "./list-columns";
import { assertPerson, readPreferences, setPinnedViews } from "./list-preferences";
import type { SavedViewCreateInput, SavedViewUpdateInput } from "./list-view-schemas";

export type SavedViewSummary = {
  id: number;
  list: ListName;
  name: string;
  query: string;
  shared: boolean;
  farmId: number | null;
  farmName: string | null;
  ownerId: number;
  ownerName: string;
  /** The view as a link: the list's path, its query, and which view it is. */
  href: string;
  mine: boolean;
  pinned: boolean;
  /** Whether this person may rename, change or unshare it. */
  editable: boolean;
  deletable: boolean;
  updatedAt: Date;
};

const SELECT = {
  id: true,
  list: true,
  name: true,
  query: true,
  shared: true,
  farmId: true,
  farm: { select: { name: true } },
  ownerId: true,
  owner: { select: { name: true } },
  updatedAt: true,
} satisfies Prisma.SavedViewSelect;
type Row = Prisma.SavedViewGetPayload<{ select: typeof SELECT }>;

export function viewHref(list: ListName, query: string, id: number): string {
  const params = new URLSearchParams(query);
  params.set("savedView", String(id));
  return `${LIST_PATH[list]}?${params}`;
}

/** The views a person may open. */
function visibleWhere(actor: Actor): Prisma.SavedViewWhereInput {
  const scope = farmScope(actor);
  const shared: Prisma.SavedViewWhereInput = scope === null ? { shared: true } : { shared: true, OR: [{ farmId: scope }, { farmId: null }] };
  return { OR: [{ ownerId: actor.kind === "user" ? actor.id : -1 }, shared] };
}

function summarise(actor: Actor, row: Row, pinned: ReadonlySet<number>): SavedViewSummary {
  const mine = actor.kind === "user" && row.ownerId === actor.id;
  return {
    id: row.id,
    list: row.list as ListName,
    name: row.name,
    query: row.query,
    shared: row.shared,
    farmId: row.farmId,
    farmName: row.farm?.name ?? null,
    ownerId: row.ownerId,
    ownerName: row.owner.name,
    href: viewHref(row.list as ListName, row.query, row.id),
    mine,
    pinned: pinned.has(row.id),
    editable: mine,
    deletable: mine || (actor.role === "admin" && farmScope(actor) === null),
    updatedAt: row.updatedAt,
  };
}

export async function listSavedViews(db: Db, actor: Actor, list?: ListName): Promise<SavedViewSummary[]> {
  const [rows, preferences] = await Promise.all([
    db.savedView.findMany({ where: { AND: [visibleWhere(actor), list ? { list } : {}] }, orderBy: [{ list: "asc" }, { name: "asc" }], select: SELECT }),
    readPreferences(db, actor),
  ]);
  const pinned = new Set(preferences.pinnedViews ?? []);
  // your own first, then what others shared
  return rows.map((row) => summarise(actor, row, pinned)).sort((a, b) => Number(b.mine) - Number(a.mine));
}

export async function getSavedView(db: Db, actor: Actor, id: number): Promise<SavedViewSummary> {
  const row = await db.savedView.findFirst({ where: { AND: [{ id }, visibleWhere(actor)] }, select: SELECT });
  if (!row) throw new NotFoundError("No such saved view, or it is not shared with you.");
  const preferences = await readPreferences(db, actor);
  return summarise(actor, row, new Set(preferences.pinnedViews ?? []));
}

/** The favourites of the sidebar, in the order they were pinned; views gone or no longer shared drop out. */
export async function pinnedViews(db: Db, actor: Actor): Promise<{ id: number; name: string; href: string; list: ListName }[]> {
  if (actor.kind !== "user") return [];
  const ids = (await readPreferences(db, actor)).pinnedViews ?? [];
  if (!ids.length) return [];
  const rows = await db.savedView.findMany({ where: { AND: [{ id: { in: ids } }, visibleWhere(actor)] }, select: { id: true, name: true, list: true, query: true } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ id: row.id, name: row.name, list: row.list as ListName, href: viewHref(row.list as ListName, row.query, row.id) }] : [];
  });
}

/** The farm a shared view is for, after the role and farm checks; null = every farm. */
async function sharingFarm(db: Db, actor: Actor, farmId: number | null | undefined): Promise<number | null> {
  if (!can(actor.role, "views.share")) throw new ForbiddenError(`Your role (${actor.role}) does not allow sharing views with a farm; save it as a personal view.`);
  const scope = farmScope(actor);
  if (scope !== null) {
    if (farmId !== undefined && farmId !== scope) throw new ForbiddenError("You can share views with your own farm only.");
    return scope;
  }
  if (farmId === undefined || farmId === null) return null;
  if (!(await db.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) throw new InvalidError("That farm does not exist.", { farmId: ["No farm has this id"] });
  return farmId;
}

async function assertNameFree(db: Db, ownerId: number, list: string, name: string, exceptId?: number) {
  const clash = await db.savedView.findFirst({ where: { ownerId, list, name: { equals: name, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw duplicateName(name);
}

const duplicateName = (name: string) => new ConflictError(`You already have a view named “${name}” on this list. Choose another name, or open that view and save over it.`, { name: ["You already have a view with this name"] });

/** A unique-index clash (two tabs saving the same name at once) reads like the checked one. */
function translateUnique(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw duplicateName(name);
  throw error;
}

export async function createSavedView(db: Db, actor: Actor, input: SavedViewCreateInput): Promise<SavedViewSummary> {
  assertPerson(actor);
  const farmId = input.shared ? await sharingFarm(db, actor, input.farmId) : null;
  await assertNameFree(db, actor.id, input.list, input.name);
  const row = await db.savedView
    .create({ data: { ownerId: actor.id, list: input.list, name: input.name, query: input.query, shared: input.shared, farmId }, select: SELECT })
    .catch((error: unknown) => translateUnique(error, input.name));
  return summarise(actor, row, new Set());
}

async function ownView(db: Db, actor: Actor, id: number, verb: "change" | "delete") {
  assertPerson(actor);
  const view = await getSavedView(db, actor, id);
  if (verb === "change" ? !view.editable : !view.deletable) throw new ForbiddenError(`Only ${view.ownerName}, who saved “${view.name}”, can ${verb} it${verb === "delete" ? " (or an admin)" : ""}.`);
  return view;
}

export async function updateSavedView(db: Db, actor: Actor, id: number, input: SavedViewUpdateInput): Promise<SavedViewSummary> {
  const view = await ownView(db, actor, id, "change");
  const shared = input.shared ?? view.shared;
  // sharing (again), or with another farm, is checked as when it was first shared; a rename of a shared view is not
  const resharing = shared && (input.shared === true || input.farmId !== undefined);
  const farmId = !shared ? null : resharing ? await sharingFarm(db, actor, input.farmId !== undefined ? input.farmId : view.shared ? view.farmId : undefined) : view.farmId;
  const name = input.name ?? view.name;
  if (input.name !== undefined) await assertNameFree(db, actor.id, view.list, name, id);
  await db.savedView.update({ where: { id }, data: { name, query: input.query ?? view.query, shared, farmId } }).catch((error: unknown) => translateUnique(error, name));
  return getSavedView(db, actor, id);
}

export async function deleteSavedView(db: Db, actor: Actor, id: number): Promise<void> {
  await ownView(db, actor, id, "delete");
  await db.savedView.delete({ where: { id } });
}

/** Pin a view you may open to your sidebar, or unpin it. */
export async function pinSavedView(db: Db, actor: Actor, id: number, pinned: boolean): Promise<SavedViewSummary> {
  assertPerson(actor);
  await getSavedView(db, actor, id);
  const current = (await readPreferences(db, actor)).pinnedViews ?? [];
  const next = pinned ? (current.includes(id) ? current : [...current, id].slice(-20)) : current.filter((pin) => pin !== id);
  await setPinnedViews(db, actor, next);
  return getSavedView(db, actor, id);
}
