// Purchase orders over HTTP: list and read for everyone signed in, drafting, editing and status actions for
// supervisors. The rules live in src/lib/domain/purchase-orders.ts; the database work in services/purchase-orders.ts.
import { Hono, type Context } from 'hono';
import { uuid } from '#domain/events';
import {
  poActionSchema,
  poCreateSchema,
  poEditSchema,
  poFromSignalsSchema,
  poListQuerySchema,
  type PoAction
} from '#domain/purchase-orders';
import { supplierId } from '#domain/suppliers';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody, queryParams } from '../../http/errors';
import {
  actOnPurchaseOrder,
  createPurchaseOrder,
  editPurchaseOrder,
  listPurchaseOrders,
  purchaseOrderDetail,
  purchaseOrdersFromSignals,
  supplierPurchasing
} from './orders';

function poId(c: Context): string {
  const id = uuid.safeParse(c.req.param('po_id'));
  if (!id.success) throw new ApiError(400, 'invalid_request', 'po_id must be a UUID.');
  return id.data.toLowerCase();
}

export function purchaseOrderRoutes({ sql }: Deps) {
  const act = (action: PoAction) => async (c: Context<Env>) => {
    const id = poId(c);
    const { version } = await jsonBody(c, poActionSchema);
    await sql.begin((tx) => actOnPurchaseOrder(tx, id, action, version, c.get('user').email));
    return c.json(await purchaseOrderDetail(sql, id));
  };

  return new Hono<Env>()
    .get('/', async (c) => c.json(await listPurchaseOrders(sql, queryParams(c, poListQuerySchema))))
    .post('/', async (c) => {
      const body = await jsonBody(c, poCreateSchema);
      const id = await sql.begin((tx) => createPurchaseOrder(tx, body, c.get('user').email));
      return c.json(await purchaseOrderDetail(sql, id), 201);
    })
    .post('/from-signals', async (c) => {
      const body = await jsonBody(c, poFromSignalsSchema);
      const ids = await sql.begin((tx) =>
        purchaseOrdersFromSignals(tx, body.signal_ids, body.expected_date ?? null, c.get('user').email)
      );
      return c.json({ rows: await Promise.all(ids.map((id) => purchaseOrderDetail(sql, id))) }, 201);
    })
    .get('/suppliers/:supplier_id/summary', async (c) => {
      const id = supplierId.safeParse(c.req.param('supplier_id'));
      if (!id.success) throw new ApiError(400, 'invalid_request', 'supplier_id must be 1 to 64 printable characters.');
      return c.json(await supplierPurchasing(sql, id.data));
    })
    .get('/:po_id', async (c) => c.json(await purchaseOrderDetail(sql, poId(c))))
    .put('/:po_id', async (c) => {
      const id = poId(c);
      const body = await jsonBody(c, poEditSchema);
      await sql.begin((tx) => editPurchaseOrder(tx, id, body, c.get('user').email));
      return c.json(await purchaseOrderDetail(sql, id));
    })
    .post('/:po_id/send', act('send'))
    .post('/:po_id/cancel', act('cancel'));
}
