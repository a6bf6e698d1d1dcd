import type { ParentOption } from "./group-form";
import { orderAsTree, subtreeIds } from "@/lib/groups/group-rules";
import type { GroupOption } from "@/lib/groups/groups";

/** The parent select's choices in tree order; when editing, never the group itself or a group below it. */
export function parentOptions(groups: GroupOption[], editingId?: number): ParentOption[] {
  const excluded = new Set(editingId === undefined ? [] : subtreeIds(editingId, new Map(groups.map((group) => [group.id, group.parentId]))));
  return orderAsTree(groups)
    .filter(({ group }) => !excluded.has(group.id))
    .map(({ group, depth }) => ({ id: group.id, label: `${group.name} (${group.code})${group.active ? "" : " — archived"}`, depth, farmId: group.farmId }));
}
