// The category tree: list, create, rename and move, and an item's category.
import { Hono } from 'hono';
import { categoryCreateSchema, categoryId, categoryUpdateSchema, itemCategorySchema } from '#domain/categories';
import { itemId } from '#domain/events';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';
import { createCategory, listCategories, setItemCategory, updateCategory } from './categories';

function param(raw: string): string {
  const parsed = categoryId.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `category_id ${parsed.error.issues[0].message}.`);
  return parsed.data;
}

export function categoryRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => c.json({ rows: await listCategories(sql) }))
    .post('/', async (c) => {
      const body = await jsonBody(c, categoryCreateSchema);
      return c.json(await createCategory(sql, body, c.get('user').email), 201);
    })
    .patch('/:category_id', async (c) => {
      const id = param(c.req.param('category_id'));
      const body = await jsonBody(c, categoryUpdateSchema);
      return c.json(await updateCategory(sql, id, body, c.get('user').email));
    });
}

/** PUT /api/items/:item_id/category: the item's category (null: none), at the item's version. */
export function itemCategoryRoutes({ sql }: Deps) {
  return new Hono<Env>().put('/:item_id/category', async (c) => {
    const id = itemId.safeParse(c.req.param('item_id'));
    if (!id.success) throw new ApiError(400, 'invalid_request', 'item_id must be 1 to 64 printable characters.');
    const body = await jsonBody(c, itemCategorySchema);
    return c.json(await setItemCategory(sql, id.data, body, c.get('user').email));
  });
}
