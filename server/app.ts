// The API as a plain Hono app: no listening, no process state. main.ts serves it; tests call app.request().
import { Hono, type Context } from 'hono';
import { identify, type Env } from './http/auth';
import type { Deps } from './deps';
import { errorBody, onError } from './http/errors';
import { boundedBodies, closeAfterRefusal, formsRefused, sameSiteOnly } from './http/guard';
import { requireRoles } from './http/roles';
import { openApiDocument, ROUTES } from './openapi';
import { categoryRoutes, itemCategoryRoutes } from './features/categories/routes';
import { countRoutes } from './features/counts/routes';
import { analyticsRoutes } from './features/analytics/routes';
import { genieRoutes } from './features/analytics/genie-routes';
import { deviceRoutes } from './features/devices/routes';
import { eventRoutes } from './features/events/routes';
import { exportRoutes } from './features/export/routes';
import { forecastRoutes } from './features/forecast/routes';
import { healthRoutes } from './features/health/routes';
import { inventoryRoutes } from './features/inventory/routes';
import { itemImportRoutes } from './features/items/import-routes';
import { itemRoutes } from './features/items/routes';
import { labelRoutes } from './features/labels/routes';
import { locationRoutes } from './features/locations/routes';
import { purchaseOrderRoutes } from './features/purchasing/routes';
import { rejectionRoutes } from './features/rejections/routes';
import { signalWeekRoutes } from './features/signals/weekly-routes';
import { signalRoutes } from './features/signals/routes';
import { slipRoutes } from './features/slips/routes';
import { supplierImportRoutes, supplierItemImportRoutes } from './features/suppliers/import-routes';
import { supplierItemRoutes } from './features/suppliers/supplier-items-routes';
import { supplierRoutes } from './features/suppliers/routes';
import { streamRoutes } from './features/live/routes';
import { syncRoutes } from './features/sync/routes';

export type { Deps };

export function createApp(deps: Deps) {
  const api = new Hono<Env>()
    .route('/health', healthRoutes(deps))
    .use('*', identify(deps.config, deps.sql))
    .use('*', requireRoles(ROUTES))
    .use('*', formsRefused(ROUTES))
    .get('/me', (c) => c.json(c.get('user')))
    .route('/sync', syncRoutes(deps))
    .route('/inventory', inventoryRoutes(deps))
    .route('/events', eventRoutes(deps))
    .route('/counts', countRoutes(deps))
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
    .route('/analytics/genie', genieRoutes(deps))
    .route('/export', exportRoutes(deps))
    .route('/suppliers/import', supplierImportRoutes(deps))
    .route('/suppliers', supplierRoutes(deps))
    .route('/supplier-items/import', supplierItemImportRoutes(deps))
    .route('/supplier-items', supplierItemRoutes(deps))
    .route('/categories', categoryRoutes(deps))
    .route('/items', itemCategoryRoutes(deps))
    .route('/purchase-orders', purchaseOrderRoutes(deps))
    .route('/labels', labelRoutes(deps))
    .get('/openapi.json', (c) => c.json(openApiDocument()));

  const notFound = (c: Context) => {
    // A body sent to no route is not read: the connection must not take its rest for the next request.
    if (c.req.header('content-length') || c.req.header('transfer-encoding')) c.header('connection', 'close');
    return c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404);
  };
  // The catch-alls close /api: main.ts serves the app shell for every other path, and an unknown API path must
  // answer the JSON 404 for every method, never the shell's HTML with 200.
  const app = new Hono<Env>()
    .use('/api/*', closeAfterRefusal())
    .use('/api', closeAfterRefusal())
    .use('/api/*', sameSiteOnly(deps.config))
    .use('/api', sameSiteOnly(deps.config))
    .use('/api/*', boundedBodies(ROUTES))
    .route('/api', api)
    .all('/api', notFound)
    .all('/api/*', notFound);
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

export type App = ReturnType<typeof createApp>;
