import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigitOk, GS, gtinKey, gtinLookup, parseBarcode } from './barcode';
import { itemId, MAX_QTY } from './events';
import { err, ok, withCheck } from '../../../tests/fixtures/barcode-results';

// Sample GTINs with valid check digits (the seed's P-1001 is 4006381331001 + check digit).
const GTIN13 = '4006381333931';
const GTIN14 = '0' + GTIN13;
const SSCC = '106141411234567897';
const today = new Date('2026-11-21T00:00:00Z');
const lookup = gtinLookup([
  { item_id: 'P-1001', gtin: GTIN13 },
  { item_id: 'P-2000', gtin: '95012346' }, // EAN-8
  { item_id: 'P-3000', gtin: '036000291452' }, // UPC-A
  { item_id: 'P-NOGTIN', gtin: null }
]);
const opts = { gtinToItem: lookup, today };

describe('check digits and GTIN keys', () => {
  it('accepts valid GTIN-8/12/13/14 and SSCC check digits and rejects a changed digit', () => {
    for (const g of ['95012346', '036000291452', GTIN13, GTIN14, SSCC, '10614141000415']) {
      expect(checkDigitOk(g)).toBe(true);
      const last = Number(g.at(-1));
      expect(checkDigitOk(g.slice(0, -1) + ((last + 1) % 10))).toBe(false);
    }
  });
  it('normalises every GTIN length to 14 digits and refuses others', () => {
    expect(gtinKey(GTIN13)).toBe(GTIN14);
    expect(gtinKey('95012346')).toBe('00000095012346');
    expect(gtinKey('036000291452')).toBe('00036000291452');
    expect(gtinKey(` ${GTIN14} `)).toBe(GTIN14);
    expect(gtinKey('4006381333932')).toBeNull(); // check digit
    expect(gtinKey('12345')).toBeNull();
    expect(gtinKey('40063813339310')).toBeNull(); // 14 digits, wrong check
    expect(gtinKey('4OO6381333931')).toBeNull();
  });
  it('gtinLookup ignores items without a GTIN or with an invalid one', () => {
    const l = gtinLookup([{ item_id: 'A', gtin: '123' }, { item_id: 'B' }, { item_id: 'C', gtin: GTIN13 }]);
    expect(l(GTIN14)).toBe('C');
    expect(l('00000000000123')).toBeUndefined();
  });
});

describe('seed format ITEM=<item_id>;QTY=<n>', () => {
  it('parses item and quantity', () => {
    expect(parseBarcode('ITEM=P-1001;QTY=5')).toEqual({ ok: true, format: 'seed', item_id: 'P-1001', qty: 5 });
  });
  it('takes keys in any case and order, with spaces and a trailing semicolon', () => {
    expect(ok(parseBarcode('qty = 12 ; item = BOLT-M8 ;'))).toMatchObject({ item_id: 'BOLT-M8', qty: 12 });
    expect(ok(parseBarcode('Item=X1;Qty=1000000'))).toMatchObject({ item_id: 'X1', qty: MAX_QTY });
  });
  it('uses the default quantity when QTY is absent', () => {
    expect(ok(parseBarcode('ITEM=P-1001', { defaultQty: 7 }))).toMatchObject({ item_id: 'P-1001', qty: 7 });
    expect(ok(parseBarcode('ITEM=P-1001'))).toMatchObject({ qty: 1 });
  });
  it('keeps item codes that hold = or spaces inside', () => {
    expect(ok(parseBarcode('ITEM=A=B C;QTY=2'))).toMatchObject({ item_id: 'A=B C', qty: 2 });
  });
  it.each([
    ['ITEM=P-1;QTY=0', /QTY "0" is not a whole number from 1 to 1,000,000/],
    ['ITEM=P-1;QTY=-3', /QTY "-3"/],
    ['ITEM=P-1;QTY=2.5', /QTY "2.5"/],
    ['ITEM=P-1;QTY=1000001', /QTY "1000001"/],
    ['ITEM=P-1;QTY=', /QTY ""/],
    ['ITEM=P-1;QTY=ten', /QTY "ten"/],
    ['ITEM=P-1;QTY=1e3', /QTY "1e3"/],
    ['ITEM=;QTY=1', /item code .* is empty/],
    ['ITEM=' + 'x'.repeat(65) + ';QTY=1', /longer than 64 characters/],
    ['QTY=3', /has no ITEM=/],
    ['ITEM=P-1;QTY=1;LOT=7', /Unknown field "LOT"/],
    ['ITEM=P-1;ITEM=P-2', /ITEM appears twice/],
    ['ITEM=P-1;garbage', /"garbage" .* is not KEY=value/],
    ['ITEM=P\u00071;QTY=1', /control characters/]
  ])('rejects %j', (raw, message) => {
    expect(err(parseBarcode(raw))).toMatch(message);
  });
  it('allows exactly 64 characters of item code', () => {
    const id = 'x'.repeat(64);
    expect(ok(parseBarcode(`ITEM=${id};QTY=1`)).item_id).toBe(id);
  });
});

describe('bare item codes', () => {
  it('takes the whole text as the item, qty 1 or the last quantity entered', () => {
    expect(parseBarcode('P-1001')).toEqual({ ok: true, format: 'item', item_id: 'P-1001', qty: 1 });
    expect(ok(parseBarcode('P-1001', { defaultQty: 25 })).qty).toBe(25);
  });
  it('trims whitespace a wedge or a person adds', () => {
    expect(ok(parseBarcode('  P-1001\r\n')).item_id).toBe('P-1001');
  });
  it('strips a non-GS1 symbology identifier', () => {
    expect(ok(parseBarcode(']C0P-1001')).item_id).toBe('P-1001');
    expect(ok(parseBarcode(']Q1P-1001')).item_id).toBe('P-1001');
  });
  it('accepts unicode item codes up to 64 characters', () => {
    expect(ok(parseBarcode('Schraube-Ø8-ÄÖÜ')).item_id).toBe('Schraube-Ø8-ÄÖÜ');
    expect(ok(parseBarcode('😀'.repeat(64))).item_id).toBe('😀'.repeat(64));
    expect(err(parseBarcode('😀'.repeat(65)))).toMatch(/longer than 64/);
  });
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    [']C0', /empty/],
    ['x'.repeat(65), /longer than 64 characters/],
    ['x'.repeat(513), /too long/],
    ['P\u00001001', /control characters/],
    ['AB\u001dCD', /control characters/]
  ])('rejects %j', (raw, message) => {
    expect(err(parseBarcode(raw))).toMatch(message);
  });
  it('refuses a default quantity out of range', () => {
    expect(err(parseBarcode('P-1', { defaultQty: 0 }))).toMatch(/default quantity 0/);
    expect(err(parseBarcode('P-1', { defaultQty: 1.5 }))).toMatch(/default quantity/);
    expect(err(parseBarcode('P-1', { defaultQty: MAX_QTY + 1 }))).toMatch(/default quantity/);
  });
});

describe('bare GTINs (EAN-13, EAN-8, UPC-A)', () => {
  it('maps a known GTIN to its item', () => {
    expect(parseBarcode(GTIN13, opts)).toEqual({ ok: true, format: 'gtin', gtin: GTIN14, item_id: 'P-1001', qty: 1 });
    expect(ok(parseBarcode('95012346', opts))).toMatchObject({ item_id: 'P-2000', gtin: '00000095012346' });
    expect(ok(parseBarcode('036000291452', { ...opts, defaultQty: 3 }))).toMatchObject({ item_id: 'P-3000', qty: 3 });
    expect(ok(parseBarcode(']E0' + GTIN13, opts)).item_id).toBe('P-1001');
  });
  it('treats an unknown or invalid GTIN-looking code as an item code', () => {
    expect(ok(parseBarcode('5901234123457', opts))).toMatchObject({ format: 'item', item_id: '5901234123457' });
    expect(ok(parseBarcode('4006381333932', opts))).toMatchObject({ format: 'item', item_id: '4006381333932' });
    expect(ok(parseBarcode(GTIN13))).toMatchObject({ format: 'item', item_id: GTIN13 });
  });
});

describe('GS1 element strings', () => {
  const full = `01${GTIN14}17261231` + `10LOT-42${GS}21SN0001${GS}30` + `12`;
  const expected = {
    ok: true,
    format: 'gs1',
    item_id: 'P-1001',
    gtin: GTIN14,
    qty: 12,
    lot: 'LOT-42',
    expiry: '2026-12-31',
    serial: 'SN0001'
  };

  it.each([
    ['GS1-128 with ]C1', ']C1' + full],
    ['GS1 DataMatrix with ]d2', ']d2' + full],
    ['GS1 QR with ]Q3', ']Q3' + full],
    ['DataMatrix as @zxing/library emits it: a leading GS', GS + full],
    [']d2 followed by the leading GS', ']d2' + GS + full],
    ['human-readable form', `(01)${GTIN14}(17)261231(10)LOT-42(21)SN0001(30)12`],
    ['unmarked, as a wedge scanner may type it', full]
  ])('%s', (_name, raw) => {
    expect(parseBarcode(raw, opts)).toEqual(expected);
  });

  it('ends a variable field at GS or at the end, in any order of fields', () => {
    const r = ok(parseBarcode(`]C110ABC${GS}01${GTIN14}21XYZ`, opts));
    expect(r).toMatchObject({ lot: 'ABC', serial: 'XYZ', gtin: GTIN14, qty: 1 });
    // GS right after a fixed field is tolerated, and a trailing GS too.
    expect(ok(parseBarcode(`]C101${GTIN14}${GS}10A${GS}`, opts)).lot).toBe('A');
  });

  it('maps AI 02 + 37 (contained items on a logistic unit) with its SSCC', () => {
    const r = ok(parseBarcode(`]C100${SSCC}02${GTIN14}3748`, opts));
    expect(r).toMatchObject({ sscc: SSCC, gtin: GTIN14, item_id: 'P-1001', qty: 48 });
  });

  it('takes the count from AI 30 or 37, the default quantity otherwise', () => {
    expect(ok(parseBarcode(`]C101${GTIN14}30${'1000000'}`, opts)).qty).toBe(MAX_QTY);
    expect(ok(parseBarcode(`]C101${GTIN14}`, { ...opts, defaultQty: 4 })).qty).toBe(4);
    expect(ok(parseBarcode(`]C101${GTIN14}306${GS}376`, opts)).qty).toBe(6);
  });

  it('turns YYMMDD into an ISO date, day 00 being the end of the month', () => {
    const exp = (d: string, t = today) => ok(parseBarcode(`]C101${GTIN14}17${d}`, { ...opts, today: t })).expiry;
    expect(exp('270200')).toBe('2027-02-28');
    expect(exp('280200')).toBe('2028-02-29');
    expect(exp('261100')).toBe('2026-11-30');
    expect(exp('261200')).toBe('2026-12-31');
    expect(exp('280229')).toBe('2028-02-29');
    // GS1 century window: up to 50 years ahead, otherwise the past century.
    expect(exp('760101')).toBe('2076-01-01');
    expect(exp('770101')).toBe('1977-01-01');
    expect(exp('990101', new Date('2051-01-01'))).toBe('2099-01-01');
    expect(exp('010101', new Date('2099-06-01'))).toBe('2101-01-01');
  });

  it('skips AIs it recognises but does not use (dates, weights, GLNs, internal)', () => {
    const r = ok(
      parseBarcode(
        `]d2${GS}01${GTIN14}11260101` +
          `3103001250` +
          `4101234567890128` +
          `15261231` +
          `240CUST-7${GS}91INTERNAL${GS}10L1`,
        opts
      )
    );
    expect(r).toMatchObject({ item_id: 'P-1001', lot: 'L1', qty: 1 });
  });

  it('returns GTIN/SSCC without an item when no lookup is given (pure parsing)', () => {
    expect(parseBarcode(`]C101${GTIN14}10L`)).toEqual({ ok: true, format: 'gs1', gtin: GTIN14, lot: 'L', qty: 1 });
    expect(parseBarcode(`]C100${SSCC}`)).toEqual({ ok: true, format: 'gs1', sscc: SSCC, qty: 1 });
  });

  it('keeps the unmarked heuristic away from codes that are not GS1', () => {
    expect(ok(parseBarcode('0112345', opts))).toMatchObject({ format: 'item', item_id: '0112345' });
    expect(ok(parseBarcode('01' + GTIN14.slice(0, 13) + '9', opts)).format).toBe('item'); // bad check digit
    expect(ok(parseBarcode(`01${GTIN14}-A`, opts)).format).toBe('item');
  });

  it.each([
    ['a wrong GTIN check digit', `]C101${GTIN14.slice(0, 13)}2`, /\(01\) 0400638133393\d has a wrong check digit/],
    ['a wrong SSCC check digit', `]C100${SSCC.slice(0, 17)}0`, /\(00\) \d{18} has a wrong check digit/],
    ['an unknown GTIN', `]C101${withCheck('0000000000001')}`, /GTIN 00000000000017 is not linked to any item/],
    ['an SSCC alone', `]C100${SSCC}`, /identifies a pallet or parcel, not an item/],
    ['no GTIN at all', `]C110LOT`, /carries no GTIN/],
    ['both 01 and 02', `]C101${GTIN14}02${GTIN14}`, /\(01\) and \(02\) may not be used together/],
    ['a cut-short GTIN', `]C101${GTIN14.slice(0, 10)}`, /\(01\) must have 14 characters/],
    ['a GS inside a fixed field', `]C101${GTIN14.slice(0, 5)}${GS}${GTIN14.slice(5)}`, /must have 14 characters/],
    ['letters in a numeric field', `]C101${GTIN14}17ABCDEF`, /\(17\) USE BY or EXPIRY "ABCDEF" must be digits only/],
    ['an impossible expiry', `]C101${GTIN14}17261301`, /\(17\) 261301 is not a valid date/],
    ['Feb 30', `]C101${GTIN14}17260230`, /\(17\) 260230 is not a valid date/],
    [
      'a lot run into the next field (no separator)',
      `]C101${GTIN14}10LOT12345678901234567890`,
      /longer than 20 characters: a separator is probably missing/
    ],
    ['an empty lot', `]C101${GTIN14}10${GS}21S`, /\(10\) BATCH\/LOT is empty/],
    ['a zero count', `]C101${GTIN14}300`, /\(30\) count "0" is not a whole number/],
    ['a count over the limit', `]C101${GTIN14}3099999999`, /\(30\) count "99999999"/],
    ['counts that disagree', `]C101${GTIN14}305${GS}376`, /counts disagree/],
    ['an unknown AI', `]C101${GTIN14}8888XYZ`, /"8888XY" is not a GS1 Application Identifier/],
    ['a marker with no data', ']d2', /holds no data/],
    ['only separators', GS + GS, /holds no data/],
    [
      'a control character in a lot',
      `]C101${GTIN14}10A\u0007B`,
      /\(10\) BATCH\/LOT "A<0x07>B" holds characters GS1 does not allow \(CSET 82\)/
    ],
    [
      'the same AI twice with different values',
      `]C101${GTIN14}10A${GS}10B`,
      /\(10\) appears twice with different values/
    ],
    ['human-readable with trailing junk', `(01)${GTIN14}junk(10)`, /\(01\) GTIN must have 14 characters, not 18/]
  ])('rejects %s', (_name, raw, message) => {
    expect(err(parseBarcode(raw, opts))).toMatch(message);
  });

  it('accepts the same AI repeated with the same value', () => {
    expect(ok(parseBarcode(`]C101${GTIN14}10A${GS}10A`, opts)).lot).toBe('A');
  });

  it('refuses an item code from the lookup that events would refuse', () => {
    const bad = parseBarcode(`]C101${GTIN14}`, { gtinToItem: () => 'x'.repeat(65) });
    expect(err(bad)).toMatch(/item linked to GTIN .* longer than 64/);
  });
});

describe('properties', () => {
  it('never throws, and every ok result is a valid event item/qty/lot', () => {
    const alphabet = fc.constantFrom(...'0123456789ABCxyz=;()]-d2C1Q3 \u001d\u0007'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 60 })),
        fc.integer({ min: 1, max: MAX_QTY }),
        (raw, q) => {
          const r = parseBarcode(raw, { defaultQty: q, gtinToItem: lookup, today });
          if (!r.ok) {
            expect(r.error.length).toBeGreaterThan(5);
            return;
          }
          expect(itemId.safeParse(r.item_id).success).toBe(true);
          expect(Number.isInteger(r.qty) && r.qty >= 1 && r.qty <= MAX_QTY).toBe(true);
          if (r.lot !== undefined) expect(r.lot.length).toBeLessThanOrEqual(64);
        }
      ),
      { numRuns: 3000 }
    );
  });

  it('round-trips any well-formed GS1 element string, in every marking', () => {
    const lotChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-./'.split(''));
    fc.assert(
      fc.property(
        fc.string({ unit: lotChars, minLength: 1, maxLength: 20 }),
        fc.string({ unit: lotChars, minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.date({ min: new Date('2001-01-01'), max: new Date('2060-12-31'), noInvalidDate: true }),
        fc.constantFrom(']C1', ']d2', ']Q3', GS, ''),
        (lot, serial, count, date, marker) => {
          const yymmdd = date.toISOString().slice(2, 10).replaceAll('-', '');
          const raw = `${marker}01${GTIN14}17${yymmdd}10${lot}${GS}21${serial}${GS}30${count}`;
          expect(parseBarcode(raw, opts)).toEqual({
            ok: true,
            format: 'gs1',
            item_id: 'P-1001',
            gtin: GTIN14,
            qty: count,
            lot,
            serial,
            expiry: date.toISOString().slice(0, 10)
          });
        }
      ),
      { numRuns: 500 }
    );
  });

  it('round-trips any seed-format code', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 64 })
          .filter(
            (s) =>
              itemId.safeParse(s).success && s === s.trim() && !s.includes(';') && !/^\][A-Za-z][0-9A-Za-z]/.test(s)
          ),
        fc.integer({ min: 1, max: MAX_QTY }),
        (item, qty) => {
          expect(parseBarcode(`ITEM=${item};QTY=${qty}`)).toEqual({ ok: true, format: 'seed', item_id: item, qty });
        }
      ),
      { numRuns: 500 }
    );
  });
});
