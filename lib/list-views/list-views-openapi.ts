/**
 * The OpenAPI operations of saved list views and list preferences (lib/api/openapi.ts merges them
 * into the document). Bodies and queries come from the schemas the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, errors, idParameter, json, listOf, ok, operation, queryParameters, ref, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { DENSITIES, LISTS } from "./list-columns";
import { listPreferenceInputSchema, pinSchema, savedViewCreateSchema, savedViewIdSchema, savedViewListQuerySchema, savedViewUpdateSchema } from "./list-view-schemas";

const TAG = "Saved views";
const view = z.object({
  id: z.number().int(),
  list: z.enum(LISTS),
  name: z.string(),
  query: z.string().describe("The list's URL query: filters, sort, grouping, density, columns"),
  shared: z.boolean(),
  farmId: z.number().int().nullable().describe("The farm a shared view is for; null with shared = every farm"),
  farmName: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string(),
  href: z.string().describe("The view as a link: the list's path and its query"),
  mine: z.boolean(),
  pinned: z.boolean().describe("In the caller's sidebar"),
  editable: z.boolean(),
  deletable: z.boolean(),
  updatedAt: timestamp,
});
const preferences = z.object({
  lists: z.record(z.string(), z.object({ density: z.enum(DENSITIES).optional(), columns: z.array(z.string()).optional() })).optional(),
  pinnedViews: z.array(z.number().int()).optional(),
});
const PEOPLE = "People only: an API key has no views or preferences (403).";

export const listViewsOpenApi: OpenApiArea = {
  tags: [{ name: TAG, description: "Named list views (Odoo's favourites) and how each person likes the lists: density, columns, pinned views. A view is a URL query; opening it is following its `href`." }],
  paths: {
    "/views": {
      get: operation("devices.read", {
        operationId: "listSavedViews",
        summary: "The saved views the caller may open",
        description: `Their own, and those shared with their farm (or every farm). ${PEOPLE}`,
        tags: [TAG],
        parameters: queryParameters(savedViewListQuerySchema, { list: "Only this list's views" }),
        responses: { "200": ok("The views, the caller's own first", listOf(ref("SavedView"))), ...errors(400, ...CALLER) },
      }),
      post: operation("devices.read", {
        operationId: "createSavedView",
        summary: "Save a view",
        description: `A name (required, at most 60 characters, unique per person and list whatever its case: a duplicate is a 409 naming the field) for a list's query. \`shared\` needs the \`views.share\` permission (managers, admins); a farm-bound person shares with their own farm only. ${PEOPLE}`,
        tags: [TAG],
        requestBody: { required: true, content: json(ref("SavedViewCreate")) },
        responses: { "201": ok("The view", ref("SavedView")), ...errors(400, ...CALLER, 409) },
      }),
    },
    "/views/{id}": {
      get: operation("devices.read", {
        operationId: "getSavedView",
        summary: "One saved view",
        description: "A view the caller may not open is a 404.",
        tags: [TAG],
        parameters: [idParameter("view", savedViewIdSchema)],
        responses: { "200": ok("The view", ref("SavedView")), ...errors(...CALLER, 404) },
      }),
      put: operation("devices.read", {
        operationId: "updateSavedView",
        summary: "Rename, change or (un)share a view",
        description: "The owner only (403 for anyone else who may open it). Sharing is checked as when saving.",
        tags: [TAG],
        parameters: [idParameter("view", savedViewIdSchema)],
        requestBody: { required: true, content: json(ref("SavedViewUpdate")) },
        responses: { "200": ok("The view", ref("SavedView")), ...errors(400, ...CALLER, 404, 409) },
      }),
      delete: operation("devices.read", {
        operationId: "deleteSavedView",
        summary: "Delete a view",
        description: "The owner, or an admin of every farm.",
        tags: [TAG],
        parameters: [idParameter("view", savedViewIdSchema)],
        responses: { "204": { description: "Deleted" }, ...errors(...CALLER, 404) },
      }),
    },
    "/views/{id}/pin": {
      put: operation("devices.read", {
        operationId: "pinSavedView",
        summary: "Pin a view to the caller's sidebar, or unpin it",
        tags: [TAG],
        parameters: [idParameter("view", savedViewIdSchema)],
        requestBody: { required: true, content: json(ref("SavedViewPin")) },
        responses: { "200": ok("The view", ref("SavedView")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/me/list-preferences": {
      get: operation("devices.read", {
        operationId: "getListPreferences",
        summary: "How the caller likes the lists",
        description: PEOPLE,
        tags: [TAG],
        responses: { "200": ok("Density and columns per list, pinned views", ref("ListPreferences")), ...errors(...CALLER) },
      }),
      put: operation("devices.read", {
        operationId: "putListPreference",
        summary: "Set one list's density and/or columns",
        description: `Columns: known keys of that list, each once, the required one included (the devices list's \`device\`); \`null\` goes back to the default columns. A URL's \`density\` and \`columns\` parameters override this for that link. ${PEOPLE}`,
        tags: [TAG],
        requestBody: { required: true, content: json(ref("ListPreferenceInput")) },
        responses: { "200": ok("The preferences as stored", ref("ListPreferences")), ...errors(400, ...CALLER) },
      }),
    },
  },
  schemas: {
    ...components({ SavedViewCreate: savedViewCreateSchema, SavedViewUpdate: savedViewUpdateSchema, SavedViewPin: pinSchema, ListPreferenceInput: listPreferenceInputSchema }, "input"),
    ...components({ SavedView: view, ListPreferences: preferences }, "output"),
  },
};
