/**
 * How a person likes each list (density, columns) and which saved views they pinned, kept on their
 * user row (users.ui_preferences) so it follows them to another browser; the URL overrides it
 * (a link or a saved view says how the list looks), never the other way round.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError } from "../errors";
import { DEFAULT_DENSITY, parseColumnsParam, parseDensityParam, resolveColumns, type Density, type ListName } from "./list-columns";
import { storedPreferencesSchema, type ListPreferenceInput, type StoredPreferences } from "./list-view-schemas";

export function assertPerson(actor: Actor) {
  if (actor.kind !== "user") throw new ForbiddenError("List preferences and saved views belong to people; an API key has none.");
}

export async function readPreferences(db: Pick<Db, "user">, actor: Actor): Promise<StoredPreferences> {
  if (actor.kind !== "user") return {};
  const row = await db.user.findUnique({ where: { id: actor.id }, select: { uiPreferences: true } });
  return storedPreferencesSchema.parse(row?.uiPreferences ?? {});
}

export type ListPresentation = { density: Density; columns: string[]; densityFromUrl: boolean; columnsFromUrl: boolean };

/** The density and columns a list shows: the URL's when it says, else the person's, else the defaults. */
export function listPresentation(list: ListName, preferences: StoredPreferences, url: { density?: unknown; columns?: string | string[] }): ListPresentation {
  const mine = preferences.lists?.[list];
  const urlDensity = parseDensityParam(url.density);
  const urlColumns = parseColumnsParam(url.columns);
  return {
    density: urlDensity ?? mine?.density ?? DEFAULT_DENSITY,
    columns: resolveColumns(list, urlColumns ?? mine?.columns),
    densityFromUrl: urlDensity !== null,
    columnsFromUrl: urlColumns !== null,
  };
}

/**
 * One list's choice merged into the stored preferences. Read and written in one statement
 * (jsonb_set on the row) so two tabs changing two lists do not overwrite each other.
 */
export async function saveListPreference(db: Db, actor: Actor, input: ListPreferenceInput): Promise<StoredPreferences> {
  assertPerson(actor);
  const current = await readPreferences(db, actor);
  const list = { ...(current.lists?.[input.list] ?? {}) };
  if (input.density !== undefined) list.density = input.density;
  if (input.columns === null) delete list.columns;
  else if (input.columns !== undefined) list.columns = input.columns;
  await db.$executeRaw`
    UPDATE users
    SET ui_preferences = jsonb_set(
      CASE WHEN jsonb_typeof(ui_preferences -> 'lists') = 'object' THEN ui_preferences ELSE ui_preferences || '{"lists": {}}'::jsonb END,
      ARRAY['lists', ${input.list}::text], ${JSON.stringify(list)}::jsonb, true)
    WHERE id = ${actor.id}`;
  return readPreferences(db, actor);
}

export async function setPinnedViews(db: Pick<Db, "user" | "$executeRaw">, actor: Actor, ids: number[]) {
  assertPerson(actor);
  await db.$executeRaw`UPDATE users SET ui_preferences = ui_preferences || jsonb_build_object('pinnedViews', ${JSON.stringify(ids)}::jsonb) WHERE id = ${actor.id}`;
}


/** The person's stored choice for `list` with the URL's over it: what a list page renders. */
export async function readListPresentation(db: Pick<Db, "user">, actor: Actor, list: ListName, url: { density?: unknown; columns?: unknown }): Promise<ListPresentation> {
  const columns = typeof url.columns === "string" || Array.isArray(url.columns) ? (url.columns as string | string[]) : undefined;
  return listPresentation(list, await readPreferences(db, actor), { density: url.density, columns });
}

/**
 * The device page's section a person last chose, kept with their list preferences so it follows
 * them to another browser or phone (the caller checks the name against the page's sections).
 */
export async function saveDeviceSection(db: Pick<Db, "$executeRaw">, actor: Actor, section: string) {
  assertPerson(actor);
  await db.$executeRaw`UPDATE users SET ui_preferences = ui_preferences || jsonb_build_object('deviceSection', ${section}::text) WHERE id = ${actor.id}`;
}
