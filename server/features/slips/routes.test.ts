// Packing slips over HTTP on a real database: upload once, refuse what is not a slip, review, receive once through
// the tablets' ingest path, and learn supplier part numbers.
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { lineEventId } from './slips';
import { slipDetailSchema, slipListSchema, slipReceivedSchema } from '#domain/responses';
import { buildCorpus, photoOf } from '../../../tests/fixtures/slip-corpus';
import { slipFixtures, type SlipFixture } from '../../../tests/fixtures/slips';
import { closeOcr } from './ocr';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let fixtures: SlipFixture[];
const fixture = (name: string) => fixtures.find((f) => f.name === name)!;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  fixtures = await slipFixtures();
});
afterAll(async () => {
  await closeOcr();
  await db.close();
});
beforeEach(async () => {
  await db.sql`TRUNCATE packing_slips, supplier_items, scan_events, stock_levels, replenishment_signals, devices, items, locations CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('RECV', 'Receiving'), ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES
    ('BOLT-M8', 'Hex bolt M8 x 30', 300, 500), ('WASHER-M8', 'Washer M8', NULL, NULL), ('NUT-M8', 'Nut M8', NULL, NULL), ('AF-310', 'Nyloc nut M8 (own id)', NULL, NULL)`;
});

function form(parts: {
  slip_id?: string;
  device_id?: string;
  files?: { bytes: Uint8Array; name: string; type?: string }[];
  extra?: Record<string, string>;
}) {
  const f = new FormData();
  if (parts.slip_id !== undefined) f.set('slip_id', parts.slip_id);
  f.set('device_id', parts.device_id ?? 'tab-recv');
  for (const file of parts.files ?? [])
    f.append(
      'files',
      new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? 'application/octet-stream' }),
      file.name
    );
  for (const [k, v] of Object.entries(parts.extra ?? {})) f.set(k, v);
  return f;
}
const upload = (body: FormData) =>
  app.request('/api/packing-slips', { method: 'POST', headers: { 'x-linesync-client': '1' }, body });
const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body)
});

function png(): Uint8Array {
  const p = new PNG({ width: 4, height: 4 });
  p.data.fill(255);
  return new Uint8Array(PNG.sync.write(p));
}

async function stored() {
  const [row] =
    await db.sql`SELECT (SELECT count(*)::int FROM packing_slips) AS slips, (SELECT count(*)::int FROM packing_slip_files) AS files,
    (SELECT count(*)::int FROM scan_events) AS events, (SELECT coalesce(sum(on_hand), 0)::int FROM stock_levels) AS on_hand`;
  return row;
}

describe('POST /api/packing-slips', () => {
  it('stores a digital PDF, reads its lines and answers a retry with the same slip', async () => {
    const slip_id = randomUUID();
    const f = fixture('classic');
    const res = await upload(
      form({ slip_id, files: [{ bytes: f.bytes, name: 'slip.pdf' }], extra: { captured_at: '2026-03-12T08:00:00Z' } })
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      slip_id,
      status: 'parsed',
      parser: 'digital',
      supplier: 'Acme Fasteners Ltd',
      slip_number: 'PS-1001',
      po_number: '4500012345',
      slip_date: '2026-03-12',
      line_count: 3,
      total_qty: 612
    });
    expect(body.files).toEqual([
      {
        page: 1,
        content_type: 'application/pdf',
        size_bytes: f.bytes.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/)
      }
    ]);
    expect(
      body.lines.map((l: { supplier_part: string; qty: number; item_id: string | null }) => [
        l.supplier_part,
        l.qty,
        l.item_id
      ])
    ).toEqual([
      ['AF-100', 200, null],
      ['AF-220', 400, null],
      ['AF-310', 12, 'AF-310'] // a supplier part that is our own item id maps at once
    ]);
    const retry = await upload(form({ slip_id, files: [{ bytes: f.bytes, name: 'slip.pdf' }] }));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(body);
    expect(await stored()).toMatchObject({ slips: 1, files: 1 });
    const file = await app.request(`/api/packing-slips/${slip_id}/files/1`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(f.bytes);
    expect((await app.request(`/api/packing-slips/${slip_id}/files/2`)).status).toBe(404);
    expect((await app.request(`/api/packing-slips/${slip_id}/files/0`)).status).toBe(400);
    expect((await app.request(`/api/packing-slips/${randomUUID()}/files/1`)).status).toBe(404);
  });

  it('keeps a picture with no model configured as a slip for entry by hand', async () => {
    const slip_id = randomUUID();
    const res = await upload(form({ slip_id, files: [{ bytes: png(), name: 'photo.png' }] }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'parsed',
      parser: 'manual',
      line_count: 0,
      parse_error: expect.stringMatching(/enter them by hand/)
    });
  });

  it('reads a photographed slip and a scanned PDF by local OCR when no model is configured', async () => {
    const [slip] = (await buildCorpus(1)).filter((s) => s.truth.kind === 'classic-qty-first');
    const slip_id = randomUUID();
    const res = await upload(
      form({ slip_id, files: [{ bytes: await photoOf(slip.bytes), name: 'photo.jpg', type: 'image/jpeg' }] })
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'parsed', parser: 'ocr', parse_error: null });
    const read = body.lines.map((l: { supplier_part: string; qty: number }) => `${l.supplier_part} ${l.qty}`);
    const truth = slip.truth.lines.map((l) => `${l.part} ${l.qty}`);
    expect(read.filter((l: string) => truth.includes(l)).length).toBeGreaterThanOrEqual(Math.ceil(truth.length / 2));
    const [row] = await db.sql`SELECT parser FROM packing_slips WHERE slip_id = ${slip_id}`;
    expect(row.parser).toBe('ocr');
    const scanned = await upload(
      form({ slip_id: randomUUID(), files: [{ bytes: fixture('scanned').bytes, name: 'scan.pdf' }] })
    );
    expect(await scanned.json()).toMatchObject({ parser: 'ocr', line_count: 3 });
  }, 120_000);

  const refusals: [string, () => FormData, number, string, RegExp][] = [
    [
      'an empty file',
      () => form({ slip_id: randomUUID(), files: [{ bytes: new Uint8Array(0), name: 'empty.pdf' }] }),
      400,
      'empty_file',
      /empty\.pdf is empty/
    ],
    [
      'a text file named .pdf',
      () =>
        form({
          slip_id: randomUUID(),
          files: [{ bytes: new TextEncoder().encode('hello, not a slip'), name: 'slip.pdf', type: 'application/pdf' }]
        }),
      415,
      'unsupported_file_type',
      /not a PDF, JPEG, PNG, WebP or HEIC image \(judged by its content/
    ],
    [
      'a PNG renamed to .pdf',
      () => form({ slip_id: randomUUID(), files: [{ bytes: png(), name: 'slip.pdf' }] }),
      415,
      'type_mismatch',
      /slip\.pdf is named or labelled as a PDF but its content is a PNG image/
    ],
    [
      'a 25 MB file',
      () =>
        form({
          slip_id: randomUUID(),
          files: [{ bytes: new Uint8Array(25 * 1024 * 1024).fill(0x41), name: 'big.pdf' }]
        }),
      413,
      'payload_too_large',
      /at most 20 MB/
    ],
    [
      'eleven files',
      () =>
        form({
          slip_id: randomUUID(),
          files: Array.from({ length: 11 }, (_, i) => ({ bytes: png(), name: `p${i}.png` }))
        }),
      400,
      'too_many_files',
      /at most 10 files/
    ],
    ['no files', () => form({ slip_id: randomUUID() }), 400, 'invalid_request', /attach at least one file/],
    ['no slip_id', () => form({ files: [{ bytes: png(), name: 'p.png' }] }), 400, 'invalid_request', /slip_id/],
    [
      'a bad slip_id',
      () => form({ slip_id: 'nope', files: [{ bytes: png(), name: 'p.png' }] }),
      400,
      'invalid_request',
      /slip_id: must be a UUID/
    ],
    [
      'a bad device_id',
      () => form({ slip_id: randomUUID(), device_id: 'a b', files: [{ bytes: png(), name: 'p.png' }] }),
      400,
      'invalid_request',
      /device_id/
    ],
    [
      'a text layer that is not JSON',
      () => form({ slip_id: randomUUID(), files: [{ bytes: png(), name: 'p.png' }], extra: { text_layer: '[{' } }),
      400,
      'invalid_request',
      /text_layer is not valid JSON/
    ],
    [
      'a text layer of the wrong shape',
      () =>
        form({
          slip_id: randomUUID(),
          files: [{ bytes: png(), name: 'p.png' }],
          extra: { text_layer: '[{"width":1}]' }
        }),
      400,
      'invalid_request',
      /text_layer/
    ],
    [
      'an unknown field',
      () => form({ slip_id: randomUUID(), files: [{ bytes: png(), name: 'p.png' }], extra: { admin: 'true' } }),
      400,
      'invalid_request',
      /admin/
    ]
  ];
  it.each(refusals)('refuses %s with a clear error and stores nothing', async (_name, body, status, code, message) => {
    const before = await stored();
    const res = await upload(body());
    expect(res.status).toBe(status);
    const { error } = await res.json();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(await stored()).toEqual(before);
  });

  it('judges a file by its bytes: a PNG with no telling name or type is stored as a PNG', async () => {
    const res = await upload(form({ slip_id: randomUUID(), files: [{ bytes: png(), name: 'capture' }] }));
    expect(res.status).toBe(201);
    expect((await res.json()).files[0].content_type).toBe('image/png');
  });

  it('takes the server time for a capture time the events could not carry, and refuses one that is not a time', async () => {
    const slip_id = randomUUID();
    const res = await upload(
      form({ slip_id, files: [{ bytes: png(), name: 'p.png' }], extra: { captured_at: '2019-06-01T08:00:00Z' } })
    );
    expect(res.status).toBe(201);
    const [row] = await db.sql`SELECT captured_at FROM packing_slips WHERE slip_id = ${slip_id}`;
    expect(Math.abs(row.captured_at.getTime() - Date.now())).toBeLessThan(60_000);
    const bad = await upload(
      form({ slip_id: randomUUID(), files: [{ bytes: png(), name: 'p.png' }], extra: { captured_at: 'yesterday' } })
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/captured_at: must be an ISO 8601 date-time/);
  });

  it('refuses a body that is not multipart', async () => {
    const res = await app.request('/api/packing-slips', json('POST', { slip_id: randomUUID() }));
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toMatch(/multipart\/form-data/);
  });
});

describe('review and receive', () => {
  async function uploaded(name = 'classic') {
    const slip_id = randomUUID();
    await upload(
      form({
        slip_id,
        files: [{ bytes: fixture(name).bytes, name: `${name}.pdf` }],
        extra: { captured_at: '2026-03-12T08:00:00Z' }
      })
    );
    return slip_id;
  }
  const reviewed = {
    supplier: 'Acme Fasteners Ltd',
    slip_number: 'PS-1001',
    po_number: '4500012345',
    date: '2026-03-12',
    lines: [
      {
        supplier_part: 'AF-100',
        item_id: 'BOLT-M8',
        description: 'Hex bolt M8 x 30',
        qty: 200,
        unit: 'EA',
        lot: 'L-1'
      },
      { supplier_part: 'AF-220', item_id: 'WASHER-M8', description: 'Flat washer M8', qty: 400, unit: 'EA' },
      { supplier_part: 'AF-310', item_id: 'AF-310', description: 'Nyloc nut M8', qty: 12, unit: 'BOX' }
    ]
  };

  it('receives once: one INTAKE per line through the ingest path, stock and signals move, a second receive is refused', async () => {
    // An open signal on the bolt, to see the intake fulfil it exactly as a scanned intake would.
    await app.request(
      '/api/sync/events',
      json('POST', {
        device_id: 'tab-1',
        events: [
          {
            event_id: randomUUID(),
            device_seq: 1,
            event_type: 'INTAKE',
            item_id: 'BOLT-M8',
            qty: 400,
            location_id: 'RECV',
            source: 'wedge',
            captured_at: '2026-03-11T08:00:00Z'
          },
          {
            event_id: randomUUID(),
            device_seq: 2,
            event_type: 'CONSUME',
            item_id: 'BOLT-M8',
            qty: 150,
            location_id: 'RECV',
            source: 'wedge',
            captured_at: '2026-03-11T09:00:00Z'
          }
        ]
      })
    );
    expect((await (await app.request('/api/signals')).json()).rows).toHaveLength(1);

    const id = await uploaded();
    const unmapped = await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    expect(unmapped.status).toBe(422);
    expect((await unmapped.json()).error).toMatchObject({
      code: 'unmapped_lines',
      message: 'Pick an item for lines 1, 2 before receiving.'
    });

    const put = await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    expect(put.status).toBe(200);
    expect(slipDetailSchema.parse(await put.json())).toMatchObject({ status: 'parsed', line_count: 3, total_qty: 612 });

    const res = await app.request(
      `/api/packing-slips/${id}/receive`,
      json('POST', { location_id: 'RECV', station_id: 'DOCK-1' })
    );
    expect(res.status).toBe(200);
    const body = slipReceivedSchema.parse(await res.json()); // as the review screen reads it
    expect(body).toMatchObject({ status: 'received', received_by: 'supervisor@localhost', location_id: 'RECV' });
    expect(slipListSchema.parse(await (await app.request('/api/packing-slips?limit=50')).json()).rows).toHaveLength(1);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);

    const events =
      await db.sql`SELECT event_id::text, item_id, qty, lot, source, packing_slip_id::text, station_id, captured_at FROM scan_events
      WHERE packing_slip_id IS NOT NULL ORDER BY device_seq`;
    expect(events.map((e) => [e.event_id, e.item_id, e.qty, e.lot, e.source, e.packing_slip_id, e.station_id])).toEqual(
      [
        [lineEventId(id, 1), 'BOLT-M8', 200, 'L-1', 'packing_slip', id, 'DOCK-1'],
        [lineEventId(id, 2), 'WASHER-M8', 400, null, 'packing_slip', id, 'DOCK-1'],
        [lineEventId(id, 3), 'AF-310', 12, null, 'packing_slip', id, 'DOCK-1']
      ]
    );
    const stock =
      await db.sql`SELECT item_id, on_hand::int FROM stock_levels WHERE location_id = 'RECV' ORDER BY item_id`;
    expect(stock).toEqual([
      { item_id: 'AF-310', on_hand: 12 },
      { item_id: 'BOLT-M8', on_hand: 450 },
      { item_id: 'WASHER-M8', on_hand: 400 }
    ]);
    expect((await (await app.request('/api/signals')).json()).rows).toHaveLength(0); // 450 > 300: fulfilled
    const audit =
      await db.sql`SELECT item_id, on_hand::int FROM inventory_current WHERE location_id = 'RECV' ORDER BY item_id`;
    expect(audit).toEqual(stock);

    const again = await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('already_received');
    const edit = await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    expect(edit.status).toBe(409);
    expect(
      await db.sql`SELECT item_id, on_hand::int FROM stock_levels WHERE location_id = 'RECV' ORDER BY item_id`
    ).toEqual(stock);
  });

  it('never doubles stock even when the same lines are pushed again under the derived ids', async () => {
    const id = await uploaded();
    await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    const first = app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    const second = app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    const statuses = (await Promise.all([first, second])).map((r) => r.status).sort();
    expect(statuses[0]).toBe(200); // the other is a 200 (answered duplicate) or a 409 (already received)
    expect(await db.sql`SELECT count(*)::int AS n FROM scan_events`).toEqual([{ n: 3 }]);
    expect(await db.sql`SELECT sum(on_hand)::int AS n FROM stock_levels`).toEqual([{ n: 612 }]);
    // A receive cut off after its events landed but before the slip was marked: the retry answers duplicate.
    await db.sql`UPDATE packing_slips SET status = 'parsed', received_at = NULL WHERE slip_id = ${id}`;
    const retry = await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    expect((await retry.json()).results.map((r: { status: string }) => r.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate'
    ]);
    expect(await db.sql`SELECT sum(on_hand)::int AS n FROM stock_levels`).toEqual([{ n: 612 }]);
  });

  it('learns supplier part numbers from a received slip and maps them on the next one', async () => {
    const id = await uploaded();
    await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    expect(
      await db.sql`SELECT supplier, supplier_part, item_id, confirmed FROM supplier_items ORDER BY supplier_part`
    ).toEqual([
      { supplier: 'Acme Fasteners Ltd', supplier_part: 'AF-100', item_id: 'BOLT-M8', confirmed: 1 },
      { supplier: 'Acme Fasteners Ltd', supplier_part: 'AF-220', item_id: 'WASHER-M8', confirmed: 1 },
      { supplier: 'Acme Fasteners Ltd', supplier_part: 'AF-310', item_id: 'AF-310', confirmed: 1 }
    ]);
    const next = await (await app.request(`/api/packing-slips/${await uploaded()}`)).json();
    expect(next.lines.map((l: { item_id: string }) => l.item_id)).toEqual(['BOLT-M8', 'WASHER-M8', 'AF-310']);
    // Another supplier's AF-100 is not ours to guess.
    const other = await (await app.request(`/api/packing-slips/${await uploaded('two-pages')}`)).json();
    expect(other.lines[0]).toMatchObject({ supplier_part: 'AF-1000', item_id: null });
  });

  const badReviews: [string, unknown, number, RegExp][] = [
    ['a zero qty', { lines: [{ item_id: 'BOLT-M8', qty: 0 }] }, 400, /qty: must be greater than 0/],
    ['a fractional qty', { lines: [{ item_id: 'BOLT-M8', qty: 1.5 }] }, 400, /whole number/],
    ['an unknown item', { lines: [{ item_id: 'NOPE', qty: 1 }] }, 422, /Unknown item ids: NOPE/],
    ['a bad date', { date: '12/03/2026', lines: [] }, 400, /date/],
    ['an extra field', { lines: [], sneaky: 1 }, 400, /sneaky/]
  ];
  it.each(badReviews)('refuses a review with %s and keeps the lines', async (_n, review, status, message) => {
    const id = await uploaded();
    const before = await (await app.request(`/api/packing-slips/${id}`)).json();
    const res = await app.request(`/api/packing-slips/${id}/lines`, json('PUT', review));
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
    expect(await (await app.request(`/api/packing-slips/${id}`)).json()).toEqual(before);
  });

  it('refuses to receive to an unknown location, a slip with no lines, and an unknown slip', async () => {
    const id = await uploaded();
    await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    expect(
      (await (await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'MOON' }))).json())
        .error.code
    ).toBe('unknown_location');
    await app.request(`/api/packing-slips/${id}/lines`, json('PUT', { lines: [] }));
    expect(
      (await (await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }))).json())
        .error.code
    ).toBe('no_lines');
    expect(
      (await app.request(`/api/packing-slips/${randomUUID()}/receive`, json('POST', { location_id: 'RECV' }))).status
    ).toBe(404);
    expect((await app.request(`/api/packing-slips/not-a-uuid`)).status).toBe(400);
    expect(await stored()).toMatchObject({ events: 0, on_hand: 0 });
  });

  it('receives a slip whole or not at all: a line the ingest would refuse stops the receive before anything moves', async () => {
    const id = await uploaded();
    await app.request(`/api/packing-slips/${id}/lines`, json('PUT', reviewed));
    await db.sql`UPDATE packing_slip_lines SET lot = ${'L\u0001X'} WHERE slip_id = ${id} AND line_no = 2`;
    const res = await app.request(`/api/packing-slips/${id}/receive`, json('POST', { location_id: 'RECV' }));
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatchObject({
      code: 'invalid_lines',
      message: expect.stringMatching(/^Line 2 cannot be received: invalid: lot: must not contain control characters/)
    });
    expect(await stored()).toMatchObject({ events: 0, on_hand: 0 });
    expect((await (await app.request(`/api/packing-slips/${id}`)).json()).status).toBe('parsed');
  });

  it('lists slips newest first with their status, filtered by status', async () => {
    const a = await uploaded();
    const b = await uploaded('part-first-lot');
    const all = await (await app.request('/api/packing-slips')).json();
    expect(all.rows.map((r: { slip_id: string }) => r.slip_id)).toEqual([b, a]);
    expect(all.rows[0]).toMatchObject({ status: 'parsed', line_count: 3, total_qty: 34 });
    expect((await (await app.request('/api/packing-slips?status=received')).json()).rows).toEqual([]);
    expect((await app.request('/api/packing-slips?status=lost')).status).toBe(400);
  });
});
