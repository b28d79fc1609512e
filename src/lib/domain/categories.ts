// The category tree: ids, names, the path the database keeps ('tools/hand/wrenches': ids from the root), and the
// rules a move must keep (no cycle, a bounded depth). The database refuses a cycle too; these let the page say why
// before it asks.
import { z } from 'zod';

/** Deep enough for any plant's catalogue; a deeper tree is a mistake (and a long trigger cascade on a move). */
export const MAX_CATEGORY_DEPTH = 8;

const noControl = /^[^\p{Cc}\p{Cs}]+$/u;

/** Printable, 1 to 64 characters, no '/': the path joins ids with it. */
export const categoryId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(noControl, 'must not contain control characters')
  .refine((s) => !s.includes('/'), 'must not contain "/"');
const categoryName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(noControl, 'must not contain control characters');

export const categoryCreateSchema = z.strictObject({
  category_id: categoryId,
  parent_id: categoryId.nullable(),
  name: categoryName
});
/** A rename, a move, or both, at the version the editor read. */
export const categoryUpdateSchema = z
  .strictObject({
    version: z.number().int().positive(),
    name: categoryName.optional(),
    parent_id: categoryId.nullable().optional()
  })
  .refine(
    (b) => b.name !== undefined || b.parent_id !== undefined,
    'give a new name, a new parent_id (null: the top level), or both'
  );
export const itemCategorySchema = z.strictObject({
  category_id: categoryId.nullable(),
  version: z.number().int().positive()
});

export interface CategoryNode {
  category_id: string;
  parent_id: string | null;
  name: string;
}

export const categoryPath = (parentPath: string | null, id: string) =>
  parentPath === null ? id : `${parentPath}/${id}`;

/** The ids from the root down to `id` (itself last); null when a parent is missing or the chain loops. */
export function ancestry(nodes: readonly CategoryNode[], id: string): string[] | null {
  const byId = new Map(nodes.map((n) => [n.category_id, n]));
  const chain: string[] = [];
  for (let at: string | null = id; at !== null; at = byId.get(at)!.parent_id) {
    if (!byId.has(at) || chain.includes(at)) return null;
    chain.unshift(at);
  }
  return chain;
}

/** Height of the subtree under `id`: 1 for a leaf. */
function height(nodes: readonly CategoryNode[], id: string): number {
  const children = nodes.filter((n) => n.parent_id === id);
  return 1 + Math.max(0, ...children.map((c) => height(nodes, c.category_id)));
}

/** Why `id` cannot go under `parentId` (null: the top level), or null when it can. */
export function moveProblem(nodes: readonly CategoryNode[], id: string, parentId: string | null): string | null {
  if (!nodes.some((n) => n.category_id === id)) return `there is no category ${id}`;
  if (parentId === null) return null;
  if (parentId === id) return 'a category cannot be its own parent';
  const chain = ancestry(nodes, parentId);
  if (!chain) return `there is no category ${parentId}`;
  if (chain.includes(id)) return `${parentId} is inside ${id}: moving it there would make a loop`;
  if (chain.length + height(nodes, id) > MAX_CATEGORY_DEPTH)
    return `the tree would be deeper than ${MAX_CATEGORY_DEPTH} levels`;
  return null;
}

/** Why a new category cannot go under `parentId`, or null. */
export function createProblem(
  nodes: readonly CategoryNode[],
  id: string,
  parentId: string | null,
  name: string
): string | null {
  if (nodes.some((n) => n.category_id === id)) return `category ${id} exists already`;
  const siblingTaken = (p: string | null) =>
    nodes.some((n) => n.parent_id === p && n.name.toLowerCase() === name.trim().toLowerCase());
  if (parentId !== null) {
    const chain = ancestry(nodes, parentId);
    if (!chain) return `there is no category ${parentId}`;
    if (chain.length + 1 > MAX_CATEGORY_DEPTH) return `the tree would be deeper than ${MAX_CATEGORY_DEPTH} levels`;
  }
  return siblingTaken(parentId) ? `"${name.trim()}" is already a category at that place` : null;
}

/** Why a category cannot take a name among its siblings, or null. */
export function renameProblem(
  nodes: readonly CategoryNode[],
  id: string,
  name: string,
  parentId?: string | null
): string | null {
  const me = nodes.find((n) => n.category_id === id);
  if (!me) return `there is no category ${id}`;
  const parent = parentId === undefined ? me.parent_id : parentId;
  const taken = nodes.some(
    (n) => n.category_id !== id && n.parent_id === parent && n.name.toLowerCase() === name.trim().toLowerCase()
  );
  return taken ? `"${name.trim()}" is already a category at that place` : null;
}

interface TreeRow<T extends CategoryNode> {
  node: T;
  depth: number; // 0 at the top level
  label: string; // names from the root: "Tools › Hand tools"
}

/** The tree in reading order: each category after its parent, siblings by name. */
export function flattenTree<T extends CategoryNode>(nodes: readonly T[]): TreeRow<T>[] {
  const children = new Map<string | null, T[]>();
  for (const n of nodes) children.set(n.parent_id, [...(children.get(n.parent_id) ?? []), n]);
  const out: TreeRow<T>[] = [];
  const walk = (parent: string | null, depth: number, prefix: string) => {
    const kids = (children.get(parent) ?? [])
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name) || a.category_id.localeCompare(b.category_id));
    for (const k of kids) {
      const label = prefix ? `${prefix} › ${k.name}` : k.name;
      out.push({ node: k, depth, label });
      if (depth < MAX_CATEGORY_DEPTH * 2) walk(k.category_id, depth + 1, label);
    }
  };
  walk(null, 0, '');
  return out;
}

/** An id suggested from a name: lower case, words joined by hyphens. */
export function categorySlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
