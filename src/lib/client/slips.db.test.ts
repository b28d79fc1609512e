// The tablet's slip queue against the real API (server/app.ts over a fresh test database), IndexedDB from
// fake-indexeddb. Drawing and downscaling need a browser and are covered by tests/e2e/slips.spec.ts; here the
// prepared files are the originals.
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { loadConfig } from '../../../server/config';
import { createTestDb, type TestDb } from '../../../server/testing/testdb';
import { flateBomb } from '../../../tests/fixtures/hostile-pdfs';
import { slipFixtures } from '../../../tests/fixtures/slips';
import { captureSlip, markReceived, openSlipDb, uploadPending, type SlipDb } from './slips';

let server: TestDb;
let db: SlipDb;
let pdf: Uint8Array;
let n = 0;
let posts = 0;
const app = () =>
  createApp({
    sql: server.sql,
    config: loadConfig({ AUTH_MODE: 'local', ALLOWED_HOSTS: 'linesync.test' }),
    dbKind: server.kind
  });
const api = (): typeof fetch =>
  (async (input: RequestInfo | URL, init?: RequestInit) => {
    posts++;
    return app().request(String(input), init);
  }) as typeof fetch;
const down: typeof fetch = async () => {
  posts++;
  throw new TypeError('Failed to fetch');
};

beforeAll(async () => {
  server = await createTestDb();
  pdf = (await slipFixtures())[0].bytes;
});
afterAll(() => server.close());
beforeEach(() => {
  db = openSlipDb(`slips-test-${++n}`);
  posts = 0;
});
afterEach(() => db.delete());

async function captured(files: File[]) {
  const r = await captureSlip(db, files, 'tab-recv');
  if (!r.ok) throw new Error(r.reason);
  const row = (await db.slips.get(r.slip_id))!;
  await db.slips.update(r.slip_id, { upload: row.originals });
  return r.slip_id;
}
const pdfFile = () => new File([pdf as Uint8Array<ArrayBuffer>], 'slip.pdf', { type: 'application/pdf' });

describe('captureSlip', () => {
  it('keeps the original at once, as captured', async () => {
    const r = await captureSlip(db, [pdfFile()], 'tab-recv');
    expect(r.ok).toBe(true);
    const row = (await db.slips.get((r as { slip_id: string }).slip_id))!;
    expect(row).toMatchObject({ status: 'captured', device_id: 'tab-recv', upload: null, refused: false });
    expect(new Uint8Array(await row.originals[0].blob.arrayBuffer())).toEqual(pdf);
  });

  it.each([
    ['no file', [], /No file/],
    ['an empty file', [new File([], 'empty.pdf')], /empty\.pdf is empty/],
    ['eleven files', Array.from({ length: 11 }, () => new File(['x'], 'p.jpg')), /at most 10 files/],
    ['25 MB', [new File([new Uint8Array(25 * 1024 * 1024)], 'big.pdf')], /at most 20 MB/]
  ])('refuses %s and keeps nothing', async (_n, files, reason) => {
    const r = await captureSlip(db, files as File[], 'tab-recv');
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(await db.slips.count()).toBe(0);
  });
});

describe('uploadPending', () => {
  it('waits out a missing network, then uploads once and keeps the server reading; the original stays until received', async () => {
    const id = await captured([pdfFile()]);
    expect(await uploadPending(db, 'http://linesync.test', down)).toBe(0);
    expect(await db.slips.get(id)).toMatchObject({
      status: 'captured',
      error: 'Waiting for the network.',
      refused: false
    });

    expect(await uploadPending(db, 'http://linesync.test', api())).toBe(1);
    const row = (await db.slips.get(id))!;
    expect(row).toMatchObject({
      status: 'parsed',
      error: null,
      summary: { supplier: 'Acme Fasteners Ltd', slip_number: 'PS-1001', line_count: 3, parser: 'digital' }
    });
    expect(row.originals).toHaveLength(1);
    expect(await server.sql`SELECT count(*)::int AS n FROM packing_slips WHERE slip_id = ${id}`).toEqual([{ n: 1 }]);

    posts = 0;
    expect(await uploadPending(db, 'http://linesync.test', api())).toBe(0); // nothing left to send
    expect(posts).toBe(0);
    await markReceived(db, id);
    expect(await db.slips.get(id)).toMatchObject({ status: 'received', originals: [], upload: [] });
  });

  it('a lost answer is harmless: the retry finds the stored slip', async () => {
    const id = await captured([pdfFile()]);
    const lost: typeof fetch = async (input, init) => {
      await app().request(String(input), init);
      throw new TypeError('Failed to fetch');
    };
    await uploadPending(db, 'http://linesync.test', lost);
    expect((await db.slips.get(id))!.status).toBe('captured');
    expect(await uploadPending(db, 'http://linesync.test', api())).toBe(1);
    expect((await db.slips.get(id))!.status).toBe('parsed');
    expect(await server.sql`SELECT count(*)::int AS n FROM packing_slip_files WHERE slip_id = ${id}`).toEqual([
      { n: 1 }
    ]);
  });

  it('marks a slip whose PDF the server cannot read as failed, for entry by hand, and does not send it again', async () => {
    const id = await captured([
      new File([flateBomb(64) as Uint8Array<ArrayBuffer>], 'bomb.pdf', { type: 'application/pdf' })
    ]);
    expect(await uploadPending(db, 'http://linesync.test', api())).toBe(1);
    expect(await db.slips.get(id)).toMatchObject({
      status: 'failed',
      refused: false,
      error: expect.stringMatching(/too costly to read: its compressed streams inflate to more than 32 MB/),
      summary: { line_count: 0 }
    });
    expect((await server.sql`SELECT status FROM packing_slips WHERE slip_id = ${id}`)[0].status).toBe('failed');
    posts = 0;
    await uploadPending(db, 'http://linesync.test', api());
    expect(posts).toBe(0);
  });

  it('keeps a slip the server refuses, with its reason, and does not send it again', async () => {
    const id = await captured([new File(['not a slip at all'], 'slip.pdf', { type: 'application/pdf' })]);
    await uploadPending(db, 'http://linesync.test', api());
    expect(await db.slips.get(id)).toMatchObject({
      status: 'captured',
      refused: true,
      error: expect.stringMatching(/not a PDF, JPEG, PNG, WebP or HEIC/)
    });
    posts = 0;
    await uploadPending(db, 'http://linesync.test', api());
    expect(posts).toBe(0);
  });
});
