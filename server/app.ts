// The API as a plain Hono app: no listening, no process state. main.ts serves it; tests call app.request().
import { Hono } from 'hono';
import { identify, type Env } from './auth';
import type { Config } from './config';
import type { Database, Sql } from './db/connect';
import { errorBody, onError } from './http';
import { openApiDocument } from './openapi';
import { categoryRoutes, itemCategoryRoutes } from './routes/categories';
import { analyticsRoutes } from './routes/analytics';
import { deviceRoutes } from './routes/devices';
import { eventRoutes } from './routes/events';
import { exportRoutes } from './routes/export';
import { forecastRoutes } from './routes/forecast';
import { healthRoutes } from './routes/health';
import { inventoryRoutes } from './routes/inventory';
import { itemImportRoutes } from './routes/item-import';
import { itemRoutes } from './routes/items';
import { locationRoutes } from './routes/locations';
import { purchaseOrderRoutes } from './routes/purchase-orders';
import { rejectionRoutes } from './routes/rejections';
import { signalWeekRoutes } from './routes/signal-weeks';
import { signalRoutes } from './routes/signals';
import { slipRoutes } from './routes/slips';
import { supplierImportRoutes, supplierItemImportRoutes } from './routes/supplier-import';
import { supplierItemRoutes } from './routes/supplier-items';
import { supplierRoutes } from './routes/suppliers';
import { streamRoutes } from './routes/stream';
import { syncRoutes } from './routes/sync';

export interface Deps {
  sql: Sql;
  config: Config;
  dbKind: Database['kind'];
}

export function createApp(deps: Deps) {
  const api = new Hono<Env>()
    .route('/health', healthRoutes(deps))
    .use('*', identify(deps.config, deps.sql))
    .get('/me', (c) => c.json(c.get('user')))
    .route('/sync', syncRoutes(deps))
    .route('/inventory', inventoryRoutes(deps))
    .route('/events', eventRoutes(deps))
    .route('/signals', signalRoutes(deps))
    .route('/devices', deviceRoutes(deps))
    .route('/rejected-events', rejectionRoutes(deps))
    .route('/stream', streamRoutes(deps))
    .route('/items', itemRoutes(deps))
    .route('/packing-slips', slipRoutes(deps))
    .route('/signals/weekly', signalWeekRoutes(deps))
    .route('/locations', locationRoutes(deps))
    .route('/items/import', itemImportRoutes(deps))
    .route('/items', forecastRoutes(deps))
    .route('/analytics', analyticsRoutes(deps))
    .route('/export', exportRoutes(deps))
    .route('/suppliers/import', supplierImportRoutes(deps))
    .route('/suppliers', supplierRoutes(deps))
    .route('/supplier-items/import', supplierItemImportRoutes(deps))
    .route('/supplier-items', supplierItemRoutes(deps))
    .route('/categories', categoryRoutes(deps))
    .route('/items', itemCategoryRoutes(deps))
    .route('/purchase-orders', purchaseOrderRoutes(deps))
    .get('/openapi.json', (c) => c.json(openApiDocument()));

  const app = new Hono<Env>().route('/api', api);
  app.onError(onError);
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
