// Hostile packing-slip PDFs over HTTP on a real database: each is answered 422 with a clear error (never 500), the
// slip is kept as failed with the reason (and can still be entered by hand), nothing else stored changes, and a normal
// slip uploaded beside it is read as usual.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import {
  deeplyNested,
  doubleFlateBomb,
  flateBomb,
  garbledXref,
  hugePageCount,
  manyTextOps,
  normalSlip
} from '../../../tests/fixtures/hostile-pdfs';
import { slipFixtures } from '../../../tests/fixtures/slips';
import { pdfReaders } from './pdf';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let classic: Uint8Array;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  classic = (await slipFixtures()).find((f) => f.name === 'classic')!.bytes;
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE packing_slips, supplier_items, scan_events, stock_levels, devices, items, locations CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('RECV', 'Receiving')`;
  await db.sql`INSERT INTO items (item_id, description) VALUES ('BOLT-M8', 'Hex bolt M8 x 30')`;
});

function upload(bytes: Uint8Array, name: string, slip_id = randomUUID()) {
  const f = new FormData();
  f.set('slip_id', slip_id);
  f.set('device_id', 'tab-recv');
  f.append('files', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), name);
  return app.request('/api/packing-slips', { method: 'POST', headers: { 'x-linesync-client': '1' }, body: f });
}
const put = (id: string, body: unknown) =>
  app.request(`/api/packing-slips/${id}/lines`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });

/** Everything a slip upload could write beside its own slip and files. */
async function everythingElse() {
  const [row] = await db.sql`SELECT
    (SELECT count(*)::int FROM packing_slip_lines) AS lines, (SELECT count(*)::int FROM scan_events) AS events,
    (SELECT count(*)::int FROM stock_levels) AS stock, (SELECT count(*)::int FROM supplier_items) AS learned,
    (SELECT count(*)::int FROM devices) AS devices, (SELECT count(*)::int FROM items) AS items,
    (SELECT count(*)::int FROM audit_log) AS audit`;
  return row;
}

const cases: [string, () => Uint8Array, string, RegExp][] = [
  [
    '50 pages of 40,000 text operations',
    () => manyTextOps(),
    'pdf_too_costly',
    /too costly to read: a page's content has 80,003 operations; a packing slip page may have at most 20,000/
  ],
  ['an 800 MB Flate bomb', () => flateBomb(), 'pdf_too_costly', /compressed streams inflate to more than 32 MB/],
  [
    'a Flate bomb behind two Flate filters',
    () => doubleFlateBomb(),
    'pdf_too_costly',
    /compressed streams inflate to more than 32 MB/
  ],
  ['a cut file with a garbled cross-reference table', () => garbledXref(), 'unreadable_pdf', /cannot be read/],
  [
    'a page tree of ten million pages',
    () => hugePageCount(),
    'pdf_too_costly',
    /it has 10,000,000 pages; a packing slip may have at most 50/
  ],
  ['objects nested 100,000 deep', () => deeplyNested(), 'pdf_too_costly', /nest more than 64 levels deep/],
  ['a truncated PDF', () => classic.slice(0, 400), 'unreadable_pdf', /The PDF cannot be read/],
  [
    'a PDF header with garbage',
    () => new TextEncoder().encode('%PDF-1.7\n' + 'x'.repeat(500)),
    'unreadable_pdf',
    /The PDF cannot be read/
  ]
];

describe('hostile PDFs', () => {
  it.each(cases)(
    '%s: 422, the slip failed with the reason, a normal slip beside it is read',
    async (_n, make, code, why) => {
      const before = await everythingElse();
      const id = randomUUID();
      const normalId = randomUUID();
      const [hostile, normal] = await Promise.all([
        upload(make(), 'hostile.pdf', id),
        upload(normalSlip(), 'normal.pdf', normalId)
      ]);

      expect(hostile.status).toBe(422);
      const { error } = await hostile.json();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(why);
      expect(error.details.slip).toMatchObject({
        slip_id: id,
        status: 'failed',
        failure_reason: error.message,
        lines: []
      });
      const [slip] = await db.sql`SELECT status, failure_reason, parser FROM packing_slips WHERE slip_id = ${id}`;
      expect(slip).toEqual({ status: 'failed', failure_reason: error.message, parser: null });

      expect(normal.status).toBe(201);
      expect(await normal.json()).toMatchObject({
        slip_id: normalId,
        status: 'parsed',
        parser: 'digital',
        line_count: 1
      });
      const normalLines = 1;
      expect(await everythingElse()).toEqual({ ...before, lines: before.lines + normalLines });

      // A retry is answered the same way and reads nothing again; the slip can still be entered by hand.
      const retry = await upload(make(), 'hostile.pdf', id);
      expect(retry.status).toBe(422);
      expect((await retry.json()).error).toMatchObject({ code: 'slip_failed', message: error.message });
      const [files] = await db.sql`SELECT count(*)::int AS n FROM packing_slip_files WHERE slip_id = ${id}`;
      expect(files.n).toBe(1);

      const byHand = await put(id, {
        lines: [{ supplier_part: 'AF-100', item_id: 'BOLT-M8', description: 'Hex bolt M8', qty: 25 }]
      });
      expect(byHand.status).toBe(200);
      expect(await byHand.json()).toMatchObject({
        status: 'parsed',
        parser: 'manual',
        failure_reason: error.message,
        line_count: 1
      });
      const listed = await (await app.request('/api/packing-slips?status=failed')).json();
      expect(listed.rows).toEqual([]);
    }
  );

  it('reads each PDF once: the upload is the check, and a failed slip is not read again', async () => {
    const reads = () => pdfReaders().reads;
    const before = reads();
    const ok = await upload(normalSlip(), 'normal.pdf');
    expect(ok.status).toBe(201);
    expect(reads()).toEqual({ text: before.text + 1, render: before.render });
    const id = randomUUID();
    expect((await upload(manyTextOps(), 'hostile.pdf', id)).status).toBe(422);
    expect(reads()).toEqual({ text: before.text + 2, render: before.render });
    expect((await upload(manyTextOps(), 'hostile.pdf', id)).status).toBe(422);
    expect(reads()).toEqual({ text: before.text + 2, render: before.render });
    // Every reader runs with a heap limit of its own.
    const limits = pdfReaders().heapLimitsMb;
    expect(limits.length).toBeGreaterThan(0);
    for (const mb of limits) expect(mb).toBe(256);
  });

  it('lists failed slips by status', async () => {
    await upload(flateBomb(64), 'bomb.pdf');
    const listed = await (await app.request('/api/packing-slips?status=failed')).json();
    expect(listed.rows).toHaveLength(1);
    expect(listed.rows[0]).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/inflate/) });
  });
});
