// The category tree in the database: list, create, rename and move (a move takes its whole subtree; the database
// keeps the paths), and an item's category. Every change at the version read, audited.
import type { z } from 'zod';
import {
  createProblem,
  moveProblem,
  renameProblem,
  type CategoryNode,
  type categoryCreateSchema,
  type categoryUpdateSchema,
  type itemCategorySchema
} from '#domain/categories';
import type { Queryable, Sql } from '../../db/connect';
import { ApiError } from '../../http/errors';

const COLUMNS = 'category_id, parent_id, name, path, version, updated_at, updated_by';

type CategoryCreate = z.infer<typeof categoryCreateSchema>;
type CategoryUpdate = z.infer<typeof categoryUpdateSchema>;
type ItemCategory = z.infer<typeof itemCategorySchema>;
type Stored = CategoryNode & { path: string; version: number };

/**
 * The whole tree, locked against other writers of it: two moves checked against the same old tree could each be
 * fine alone and make a loop together. (The tree is small: hundreds of rows.)
 */
async function lockTree(tx: Queryable): Promise<Stored[]> {
  await tx`LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE`;
  return tx<Stored[]>`SELECT ${tx.unsafe(COLUMNS)} FROM categories ORDER BY path`;
}

export function listCategories(sql: Queryable) {
  return sql`
    SELECT c.category_id, c.parent_id, c.name, c.path, c.version, c.updated_at, c.updated_by,
           (SELECT count(*)::int FROM items i WHERE i.category_id = c.category_id) AS items
    FROM categories c ORDER BY c.path`;
}

export function createCategory(sql: Sql, body: CategoryCreate, user: string) {
  return sql.begin(async (tx) => {
    const tree = await lockTree(tx);
    const problem = createProblem(tree, body.category_id, body.parent_id, body.name);
    if (problem)
      throw new ApiError(
        tree.some((n) => n.category_id === body.category_id) ? 409 : 400,
        'invalid_category',
        `Cannot create: ${problem}.`
      );
    const [row] = await tx`
      INSERT INTO categories (category_id, parent_id, name, path, updated_by)
      VALUES (${body.category_id}, ${body.parent_id}, ${body.name}, '', ${user}) RETURNING ${tx.unsafe(COLUMNS)}`;
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, after)
             VALUES (${user}, 'category', ${body.category_id}, 'create', ${tx.json({ parent_id: body.parent_id, name: body.name, path: row.path })})`;
    return row;
  });
}

export function updateCategory(sql: Sql, id: string, body: CategoryUpdate, user: string) {
  return sql.begin(async (tx) => {
    const tree = await lockTree(tx);
    const current = tree.find((n) => n.category_id === id);
    if (!current) throw new ApiError(404, 'not_found', `No category ${id}.`);
    if (current.version !== body.version)
      throw new ApiError(
        409,
        'conflict',
        `Category ${id} was changed by someone else: it is now "${current.name}" at ${current.path}.`,
        { current }
      );
    const parent = body.parent_id === undefined ? current.parent_id : body.parent_id;
    const name = body.name ?? current.name;
    const problem =
      (parent !== current.parent_id ? moveProblem(tree, id, parent) : null) ?? renameProblem(tree, id, name, parent);
    if (problem) throw new ApiError(400, 'invalid_category', `Cannot change ${id}: ${problem}.`);
    const [row] = await tx`
      UPDATE categories SET name = ${name}, parent_id = ${parent}, version = version + 1, updated_at = now(), updated_by = ${user}
      WHERE category_id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
    const action = parent !== current.parent_id ? (name !== current.name ? 'move+rename' : 'move') : 'rename';
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
             VALUES (${user}, 'category', ${id}, ${action}, ${tx.json({ parent_id: current.parent_id, name: current.name, path: current.path })},
                     ${tx.json({ parent_id: row.parent_id, name: row.name, path: row.path })})`;
    return row;
  });
}

/** The item's category (null: none), at the item's version. */
export function setItemCategory(sql: Sql, id: string, body: ItemCategory, user: string) {
  return sql.begin(async (tx) => {
    const [current] = await tx`SELECT item_id, category_id, version FROM items WHERE item_id = ${id} FOR UPDATE`;
    if (!current) throw new ApiError(404, 'not_found', `No item ${id}.`);
    if (current.version !== body.version)
      throw new ApiError(
        409,
        'conflict',
        `Item ${id} was changed by someone else since you opened it: reload it and choose again.`,
        { current }
      );
    if (
      body.category_id !== null &&
      !(await tx`SELECT 1 FROM categories WHERE category_id = ${body.category_id}`).length
    )
      throw new ApiError(400, 'invalid_request', `There is no category ${body.category_id}.`);
    if (current.category_id === body.category_id) return current;
    const [row] = await tx`
      UPDATE items SET category_id = ${body.category_id}, version = version + 1, updated_at = now(), updated_by = ${user}
      WHERE item_id = ${id} RETURNING item_id, category_id, version, updated_at, updated_by`;
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
             VALUES (${user}, 'item', ${id}, 'category', ${tx.json({ category_id: current.category_id })}, ${tx.json({ category_id: body.category_id })})`;
    return row;
  });
}
