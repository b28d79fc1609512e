// Every /api path that is not a route answers the JSON 404, for every method, even with the app shell served behind
// the API as main.ts does (before, GET /api/<unknown> answered the SPA's HTML with 200).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  // What main.ts adds when a build exists: the app shell for every other path.
  app.get('/*', (c) => c.html('<!doctype html><title>LineSync</title>'));
});
afterAll(() => db.close());

it('answers unknown /api paths with the JSON 404 for every method, and still serves the shell elsewhere', async () => {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    for (const path of ['/api/unknown', '/api/items/P-1/nope', '/api', '/api/']) {
      const res = await app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json()).error.code, `${method} ${path}`).toBe('not_found');
    }
  expect((await app.request('/inventory')).status).toBe(200);
  expect((await app.request('/api/health')).status).toBe(200);
});
