// Graceful shutdown of the real server process: a push in flight when SIGTERM arrives is finished and answered 200,
// the process closes its pool and exits 0, and the next start on the same data has every event (a retry answers
// `duplicate`).
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { makeEvent } from '../../server/testing/testkit';
import { databaseEnv, spawnMain } from './server-process';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ migrated: false });
});
afterAll(() => db.close());

/** Sends the head and half the body, then waits for `between` before sending the rest: a request surely in flight. */
function slowPost(url: string, body: string, between: () => Promise<void>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      }
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half), () => void between().then(() => req.end(body.slice(half)), reject));
  });
}

it('finishes a push in flight at SIGTERM, answers it 200, exits 0, and the next start has every event', async () => {
  const env = databaseEnv(db);
  const first = await spawnMain({ AUTH_MODE: 'local', ...env });
  const events = Array.from({ length: 300 }, (_, i) =>
    makeEvent({ device_seq: i + 1, event_type: i % 2 ? 'CONSUME' : 'INTAKE', qty: 1 + (i % 4) })
  );
  const body = JSON.stringify({ device_id: 'shutdown-tab', events });

  const answer = await slowPost(`${first.url}/api/sync/events`, body, async () => {
    first.kill('SIGTERM');
    // The server has stopped listening for new connections, but the one in flight stays open.
    for (let i = 0; !first.output().includes('SIGTERM: finishing requests in flight') && i < 100; i++)
      await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${first.url}/api/health`)).rejects.toThrow();
  });
  expect(answer.status).toBe(200);
  const { results } = JSON.parse(answer.text) as { results: { status: string }[] };
  expect(results.map((r) => r.status)).toEqual(events.map(() => 'applied'));
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain('SIGTERM: finishing requests in flight, then closing the database.');

  const second = await spawnMain({ AUTH_MODE: 'local', ...env });
  try {
    const page = (await (await fetch(`${second.url}/api/events?device_id=shutdown-tab&limit=1000`)).json()) as {
      rows: { event_id: string }[];
    };
    expect(page.rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    const retry = await fetch(`${second.url}/api/sync/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body
    });
    const again = (await retry.json()) as { results: { status: string }[] };
    expect(new Set(again.results.map((r) => r.status))).toEqual(new Set(['duplicate']));
    const stock = (await (await fetch(`${second.url}/api/inventory?item_id=P-1`)).json()) as {
      rows: { on_hand: number }[];
    };
    const expected = events.reduce((n, e) => n + (e.event_type === 'INTAKE' ? e.qty : -e.qty), 0);
    expect(stock.rows.reduce((n, r) => n + r.on_hand, 0)).toBe(expected);
  } finally {
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}, 180_000);
