// POST /api/labels: label sheets as PDF. Each sheet is rasterised (pdftoppm, 300 dpi, as a laser printer would put it
// on paper), each label cut out at the stock's position and decoded with the station's decoder and acceptance rule
// (the code scan-bench runs); the text read goes through the station's own resolution (a location label first, then
// the part) against the snapshot a tablet holds, and must name the item, location or supplier item's item printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinLookup } from '#domain/barcode';
import {
  itemCode,
  LABEL_STOCKS,
  labelPositions,
  locationCode,
  MAX_LABELS,
  supplierItemCode,
  type CodeResult,
  type LabelBox,
  type LabelCode,
  type LabelStock,
  type LabelStockId,
  type Symbology
} from '#domain/labels';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { encode, placeCode } from './render';
import { normaliseDecode } from '../../../src/lib/client/acceptance';
import { decodeImage, type RgbaImage } from '../../../src/lib/client/decoder';
import { knownItems, locationLabel, resolvePart } from '../../../src/lib/client/known-items';
import type { SnapshotItem } from '../../../src/lib/client/db';

const DPI = 300;
let db: TestDb;
let app: ReturnType<typeof createApp>;
let dir: string;
const post = (body: unknown) =>
  app.request('/api/labels', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  dir = mkdtempSync(join(tmpdir(), 'labels-'));
  await db.sql`INSERT INTO items (item_id, description, unit, gtin) VALUES
    ('P-1001', 'Hex nut M8, zinc plated', 'ea', '04006381333931'),
    ('P-1002', 'Washer M8 DIN 125 A2 stainless, a long description that has to wrap over lines', 'ea', NULL),
    ('96385074', 'An item whose code is a valid EAN-8', 'ea', NULL),
    ('P-1003', 'Ölfilter Ø 80 mm — 取扱注意', 'pk', '09506000134352')`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('STORES', 'Main stores'), ('LINE-2', 'Line 2 cell'),
    ('BAY 7', 'A location id with a space')`;
  await db.sql`INSERT INTO suppliers (supplier_id, name) VALUES ('ACME', 'Acme Fasteners')`;
  await db.sql`INSERT INTO supplier_items (supplier, supplier_id, supplier_part, item_id, pack_size)
    VALUES ('Acme Fasteners', 'ACME', 'AC-778-B', 'P-1002', 100), ('Acme Fasteners', 'ACME', '55-01', 'P-1001', 1)`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.close();
});

/** The PDF's pages as RGBA at DPI, through poppler. */
function rasterise(pdf: Uint8Array, name: string): RgbaImage[] {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', String(DPI), '-png', file, join(dir, name)]);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      return { data: png.data, width: png.width, height: png.height };
    });
}

/** A camera's view of a label: a frame the size of the label, centred where the worker aims, the code's centre. */
function aim(page: RgbaImage, box: LabelBox, code: LabelCode, stock: LabelStock): RgbaImage {
  const k = DPI / 72;
  const at = placeCode(box, code.human, encode(code), stock.dot).code;
  const w = Math.round(box.width * k);
  const h = Math.round(box.height * k);
  const cx = (at.x + at.width / 2) * k;
  const cy = (stock.page.height - at.y - at.height / 2) * k;
  const left = Math.round(cx - w / 2);
  const top = Math.round(cy - h / 2);
  // Off the sheet's edge the camera sees white (the sheet lies on a light table).
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let r = 0; r < h; r++) {
    const y = top + r;
    if (y < 0 || y >= page.height) continue;
    const from = Math.max(0, left);
    const to = Math.min(page.width, left + w);
    data.set(page.data.subarray((y * page.width + from) * 4, (y * page.width + to) * 4), (r * w + from - left) * 4);
  }
  return { data, width: w, height: h };
}

/** What the station makes of each label on a sheet: "location X", "item Y" or why it refused it. */
async function readBack(pdf: Uint8Array, stock: LabelStockId, codes: LabelCode[], skip = 0): Promise<string[]> {
  const s = LABEL_STOCKS[stock];
  const pages = rasterise(pdf, `${stock}-${codes.length}-${skip}-${Math.random().toString(36).slice(2)}`);
  const snapshot = (await (await app.request('/api/sync/snapshot')).json()) as { items: SnapshotItem[] };
  const known = knownItems(snapshot.items);
  const lookup = gtinLookup(snapshot.items);
  return labelPositions(s, codes.length, skip).map((box, i) => {
    const decoded = decodeImage(aim(pages[box.page], box, codes[i], s), { effort: 'thorough', confirm: true });
    if (!decoded?.confirmed) return 'not read';
    const text = normaliseDecode(decoded).text;
    const location = locationLabel(text);
    if (location) return `location ${location}`;
    const part = resolvePart(text, known, lookup, new Date('2026-06-01T00:00:00Z'));
    return part.ok ? `item ${part.parsed.item_id}` : `refused: ${part.error}`;
  });
}

const GTINS: Record<string, string | null> = {
  'P-1001': '04006381333931',
  'P-1002': null,
  '96385074': null,
  'P-1003': '09506000134352'
};
const codeOf = (r: CodeResult) => (r.ok ? r.code : expect.fail(r.error));
const itemCodes = (ids: string[], symbology: Symbology) =>
  ids.map((id) => codeOf(itemCode({ item_id: id, gtin: GTINS[id] }, symbology)));

async function sheet(body: Record<string, unknown>): Promise<Uint8Array> {
  const res = await post(body);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return new Uint8Array(await res.arrayBuffer());
}

describe('a printed label scans back as what it names', () => {
  it('items on Avery 5160: GS1 DataMatrix for a GTIN, the item code otherwise', async () => {
    const ids = ['P-1001', 'P-1002', '96385074', 'P-1003'];
    const pdf = await sheet({ kind: 'item', item_ids: ids, stock: 'avery-5160' });
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: 612, height: 792 });
    expect(await readBack(pdf, 'avery-5160', itemCodes(ids, 'datamatrix'))).toEqual(ids.map((id) => `item ${id}`));
  });

  it('items in Code 128 and QR (a GS1 Digital Link for a GTIN) on Avery L7160, two copies, after 4 used', async () => {
    const ids = ['P-1001', 'P-1002', '96385074'];
    for (const symbology of ['code128', 'qr'] as const) {
      const pdf = await sheet({ kind: 'item', item_ids: ids, stock: 'avery-l7160', symbology, copies: 2, skip: 4 });
      const codes = itemCodes(ids, symbology).flatMap((c) => [c, c]);
      expect(await readBack(pdf, 'avery-l7160', codes, 4)).toEqual(ids.flatMap((id) => [`item ${id}`, `item ${id}`]));
    }
  });

  it('locations as the station reads a location label, in Code 128 and DataMatrix', async () => {
    for (const symbology of ['code128', 'datamatrix'] as const) {
      const ids = ['STORES', 'LINE-2'];
      const pdf = await sheet({ kind: 'location', location_ids: ids, stock: 'avery-5160', symbology });
      const codes = ids.map((id) => codeOf(locationCode(id, symbology)));
      expect(await readBack(pdf, 'avery-5160', codes)).toEqual(['location STORES', 'location LINE-2']);
    }
  });

  it('supplier items on a 4×6 in thermal label: the carton label the station records as our item', async () => {
    const keys = [
      { supplier_id: 'ACME', supplier_part: 'AC-778-B' },
      { supplier_id: 'ACME', supplier_part: '55-01' }
    ];
    const items: Record<string, string> = { 'AC-778-B': 'P-1002', '55-01': 'P-1001' };
    for (const symbology of ['datamatrix', 'qr', 'code128'] as const) {
      const pdf = await sheet({ kind: 'supplier_item', supplier_items: keys, stock: 'thermal-4x6', symbology });
      const doc = await PDFDocument.load(pdf);
      expect(doc.getPageCount()).toBe(2);
      expect(doc.getPage(0).getSize()).toEqual({ width: 288, height: 432 });
      const codes = keys.map((k) => codeOf(supplierItemCode({ ...k, item_id: items[k.supplier_part] }, symbology)));
      expect(await readBack(pdf, 'thermal-4x6', codes)).toEqual(['item P-1002', 'item P-1001']);
    }
  });
});

describe('what is refused, with a 4xx that says why', () => {
  const base = { kind: 'item', item_ids: ['P-1001'], stock: 'avery-5160' };
  it.each([
    ['an unknown stock', { ...base, stock: 'avery-9999' }, 400],
    ['an unknown kind', { ...base, kind: 'pallet' }, 400],
    ['no ids', { ...base, item_ids: [] }, 400],
    ['too many labels', { ...base, item_ids: ['P-1001', 'P-1002'], copies: MAX_LABELS / 2 + 1 }, 400],
    ['skip past the sheet', { ...base, stock: 'avery-l7160', skip: 21 }, 400],
    ['an unknown field', { ...base, colour: 'red' }, 400],
    ['an unknown item', { ...base, item_ids: ['P-1001', 'NOPE'] }, 404],
    ['an unknown location', { kind: 'location', location_ids: ['NOWHERE'], stock: 'avery-5160' }, 404],
    [
      'an unknown supplier item',
      { kind: 'supplier_item', supplier_items: [{ supplier_id: 'ACME', supplier_part: 'X' }], stock: 'avery-5160' },
      404
    ],
    [
      'a location id no location label can carry',
      { kind: 'location', location_ids: ['BAY 7'], stock: 'avery-5160' },
      422
    ],
    [
      'a carton label too long for Code 128 on a small label',
      {
        kind: 'supplier_item',
        supplier_items: [{ supplier_id: 'ACME', supplier_part: 'AC-778-B' }],
        stock: 'avery-5160',
        symbology: 'code128'
      },
      422
    ]
  ])('%s', async (_what, body, status) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message.length).toBeGreaterThan(10);
  });

  it('refuses a body that is not JSON (415)', async () => {
    const res = await app.request('/api/labels', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}'
    });
    expect(res.status).toBe(415);
  });
});
