// Databricks Apps runs the server on Node 22; the test machine's own Node is 20. scripts/setup-tests.sh fetches the
// official Node 22 binary (npm's node-linux-<arch> package) into .cache/node22, and the server is started on it here:
// it migrates (and on the embedded database loads PGlite's WebAssembly), takes a push, answers reads, reads a PDF in
// its worker thread, and stops cleanly.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { makeEvent } from '../../server/testing/testkit';
import { slipFixtures } from '../fixtures/slips';
import { databaseEnv, spawnMain } from './server-process';

const NODE22 = process.env.NODE22_BIN ?? resolve(import.meta.dirname, '../../.cache/node22/bin/node');

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ migrated: false });
});
afterAll(() => db.close());

it('runs on Node 22: starts, takes a push, answers reads, reads a PDF, stops cleanly', async () => {
  if (!existsSync(NODE22)) throw new Error(`no Node 22 at ${NODE22}: run scripts/setup-tests.sh (or set NODE22_BIN)`);
  expect(execFileSync(NODE22, ['--version'], { encoding: 'utf8' })).toMatch(/^v22\./);

  const server = await spawnMain({ AUTH_MODE: 'local', ...databaseEnv(db) }, NODE22);
  try {
    const events = Array.from({ length: 40 }, (_, i) =>
      makeEvent({ device_seq: i + 1, event_type: i % 4 ? 'CONSUME' : 'INTAKE', qty: 2 })
    );
    const push = await fetch(`${server.url}/api/sync/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'node22-tab', events })
    });
    expect(push.status).toBe(200);
    const { results } = (await push.json()) as { results: { status: string }[] };
    expect(results.every((r) => r.status === 'applied')).toBe(true);

    const stock = (await (await fetch(`${server.url}/api/inventory?item_id=P-1`)).json()) as {
      rows: { on_hand: number }[];
    };
    expect(stock.rows.reduce((n, r) => n + r.on_hand, 0)).toBe(
      events.reduce((n, e) => n + (e.event_type === 'INTAKE' ? 2 : -2), 0)
    );

    const slip = (await slipFixtures()).find((f) => f.digital)!;
    const form = new FormData();
    form.set('slip_id', randomUUID());
    form.set('device_id', 'node22-tab');
    form.append('files', new Blob([slip.bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'slip.pdf');
    const uploaded = await fetch(`${server.url}/api/packing-slips`, {
      method: 'POST',
      headers: { 'x-linesync-client': '1' },
      body: form
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    expect(await uploaded.json()).toMatchObject({
      status: 'parsed',
      parser: 'digital',
      line_count: slip.expected.lines.length
    });
  } finally {
    server.kill('SIGTERM');
  }
  expect(await server.exited).toBe(0);
});
