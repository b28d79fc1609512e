// GS1 element strings, GS1 Digital Link and ISO 15434 / MH10.8.2 carton labels, checked against the rules of the
// GS1 General Specifications (7.12 century of YY, CSET 82, check digits, 4.14 association rules) and the GS1
// Barcode Syntax Dictionary's formats, not against our own code's output.
import { describe, expect, it } from 'vitest';
import { GS, gtinKey, gtinLookup, parseBarcode } from './barcode';
import { centuryYear, checkElements, gs1Date, splitBracketed, splitElementString } from './gs1';
import { parseDigitalLink } from './digital-link';
import { EOT, RS } from './mh10';
import { err, ok, withCheck } from '../../../tests/fixtures/barcode-results';
import { mulberry32 } from '../../../tests/fixtures/random';

const today = new Date('2026-12-02T00:00:00Z');
const GTIN = '09506000134352';

/** The same cases on every run, no clock. */
const rng = mulberry32;
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('century of a two-digit year (GS1 General Specifications 7.12)', () => {
  it('puts YY within 49 years behind and 50 years ahead of the reference year', () => {
    for (let year = 1951; year <= 2149; year += 7) {
      const ref = new Date(Date.UTC(year, 5, 15));
      for (let yy = 0; yy < 100; yy++) {
        const y = centuryYear(yy, ref);
        expect(y % 100).toBe(yy);
        // The window: reference year − 49 … reference year + 50.
        expect(y - year).toBeGreaterThanOrEqual(-49);
        expect(y - year).toBeLessThanOrEqual(50);
      }
    }
  });
  it('follows the worked boundaries: in 2026, 76 is 2076 and 77 is 1977', () => {
    expect(centuryYear(76, today)).toBe(2076);
    expect(centuryYear(77, today)).toBe(1977);
    expect(centuryYear(0, new Date('2080-01-01T00:00:00Z'))).toBe(2100);
    expect(centuryYear(30, new Date('2080-01-01T00:00:00Z'))).toBe(2130);
    expect(centuryYear(31, new Date('2080-01-01T00:00:00Z'))).toBe(2031);
  });
  it('depends only on the today passed in', () => {
    expect(gs1Date('990101', new Date('1999-01-01T00:00:00Z'), false)).toBe('1999-01-01');
    expect(gs1Date('990101', new Date('2060-01-01T00:00:00Z'), false)).toBe('2099-01-01');
  });
});

describe('date AIs 11, 13, 15, 16, 17 (YYMMDD, DD 00 allowed)', () => {
  const DATE_AIS = ['11', '13', '15', '16', '17'];
  it('accepts every real calendar day and refuses impossible ones, for every date AI', () => {
    const r = rng(1);
    for (let i = 0; i < 400; i++) {
      const ai = DATE_AIS[i % DATE_AIS.length];
      const yy = Math.floor(r() * 100),
        mm = Math.floor(r() * 14),
        dd = Math.floor(r() * 33);
      const year = centuryYear(yy, today);
      const monthEnd = mm >= 1 && mm <= 12 ? new Date(Date.UTC(year, mm, 0)).getUTCDate() : 0;
      const valid = mm >= 1 && mm <= 12 && dd <= monthEnd;
      const text = `${pad(yy)}${pad(mm)}${pad(dd)}`;
      const res = parseBarcode(`(01)${GTIN}(${ai})${text}`, { today });
      if (!valid) {
        expect(err(res)).toContain(`(${ai}) ${text} is not a valid date`);
        continue;
      }
      const iso = `${year}-${pad(mm)}-${pad(dd === 0 ? monthEnd : dd)}`;
      const got = ok(res);
      expect(ai === '17' ? got.expiry : got.dates?.[ai]).toBe(iso);
    }
  });
  it('names the rule: "(15) 201310 is not a valid date"', () => {
    expect(err(parseBarcode(`(01)${GTIN}(15)201310`, { today }))).toMatch(/^\(15\) 201310 is not a valid date/);
    expect(err(parseBarcode(`]C101${GTIN}17260230`, { today }))).toMatch(/^\(17\) 260230 is not a valid date/);
  });
  it('knows leap years through the century: 29 February', () => {
    expect(ok(parseBarcode(`(01)${GTIN}(17)280229`, { today })).expiry).toBe('2028-02-29');
    expect(err(parseBarcode(`(01)${GTIN}(17)270229`, { today }))).toContain('not a valid date');
    expect(ok(parseBarcode(`(01)${GTIN}(17)000229`, { today })).expiry).toBe('2000-02-29');
    // In 2080, 00 is 2100, which is not a leap year.
    const in2080 = new Date('2080-06-01T00:00:00Z');
    expect(err(parseBarcode(`(01)${GTIN}(17)000229`, { today: in2080 }))).toContain('not a valid date');
    expect(ok(parseBarcode(`(01)${GTIN}(17)000200`, { today: in2080 })).expiry).toBe('2100-02-28');
  });
  it('reads DD 00 as the last day of the month, and refuses 00 where the AI does not allow it', () => {
    expect(ok(parseBarcode(`(01)${GTIN}(17)280200`, { today })).expiry).toBe('2028-02-29');
    expect(ok(parseBarcode(`(01)${GTIN}(15)271100`, { today })).dates).toEqual({ '15': '2027-11-30' });
    // 7006 first freeze date is YYMMDD without the day-00 allowance.
    expect(err(parseBarcode(`(01)${GTIN}(7006)260100`, { today }))).toContain('day 00 is not allowed');
    expect(ok(parseBarcode(`(01)${GTIN}(7006)260131`, { today })).dates).toEqual({ '7006': '2026-01-31' });
  });
  it('refuses a date of the wrong length or with non-digits', () => {
    expect(err(parseBarcode(`(01)${GTIN}(17)27123`, { today }))).toContain('must have 6 characters');
    expect(err(parseBarcode(`(01)${GTIN}(17)2712310`, { today }))).toContain('must have 6 characters');
    expect(err(parseBarcode(`(01)${GTIN}(17)27A231`, { today }))).toContain('digits only');
  });
  it('refuses to date a code when no reference date is passed (the domain has no clock)', () => {
    expect(err(parseBarcode(`(01)${GTIN}(17)271231`))).toContain('no reference date');
    expect(checkElements([{ ai: '17', data: '271231', known: true }], undefined).ok).toBe(false);
    // A code without a date needs no reference date.
    expect(ok(parseBarcode(`(01)${GTIN}(10)ABC`)).lot).toBe('ABC');
  });
});

describe('lengths, CSET 82 and check digits', () => {
  it('takes fixed-length fields without a separator and ends variable ones at GS', () => {
    const r = ok(parseBarcode(`]d201${GTIN}17271231` + `10AB-1${GS}21S/9` + `${GS}3103000195`, { today }));
    expect(r).toMatchObject({ gtin: GTIN, expiry: '2027-12-31', lot: 'AB-1', serial: 'S/9' });
  });
  it('refuses a variable field longer than its maximum (a lost separator) and accepts the maximum', () => {
    expect(ok(parseBarcode(`(01)${GTIN}(10)${'A'.repeat(20)}`, { today })).lot).toBe('A'.repeat(20));
    expect(err(parseBarcode(`(01)${GTIN}(10)${'A'.repeat(21)}`, { today }))).toContain('longer than 20');
    expect(err(parseBarcode(`]C101${GTIN}10ABC21XYZ`.replace('21XYZ', '2'.repeat(19)), { today }))).toContain(
      'longer than 20'
    );
  });
  it('refuses a cut-short fixed field', () => {
    expect(err(parseBarcode(`]C101${GTIN.slice(0, 10)}`, { today }))).toContain('cut short');
    expect(err(parseBarcode(`]C101${GTIN}17${'2712'}`, { today }))).toContain('cut short');
  });
  it('allows every CSET 82 character in a lot, and nothing else, without trimming', () => {
    const cset82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
    expect(cset82.length).toBe(82);
    for (let i = 0; i < cset82.length; i += 20) {
      const lot = cset82.slice(i, i + 20);
      expect(ok(parseBarcode(`]C101${GTIN}10${lot}`, { today })).lot).toBe(lot);
    }
    for (const bad of [' ', '#', '$', '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~', 'é']) {
      expect(err(parseBarcode(`]C101${GTIN}10AB${bad}C`, { today }))).toContain('CSET 82');
    }
    // A trailing space is data, not whitespace to trim.
    expect(err(parseBarcode(`(01)${GTIN}(10)ABC `, { today }))).toContain('CSET 82');
  });
  it('checks the check digit of 00, 01, 02 and 410–414 with every single-digit change refused', () => {
    const r = rng(2);
    for (let i = 0; i < 60; i++) {
      const sscc = withCheck(digits(r, 17));
      const gtin = withCheck(digits(r, 13));
      const gln = withCheck(digits(r, 12));
      const cases: [string, string][] = [
        ['00', sscc],
        ['01', gtin],
        ['410', gln],
        ['411', gln],
        ['412', gln],
        ['413', gln],
        ['414', gln]
      ];
      for (const [ai, good] of cases) {
        const pos = Math.floor(r() * good.length);
        const changed = good.slice(0, pos) + ((Number(good[pos]) + 1 + Math.floor(r() * 9)) % 10) + good.slice(pos + 1);
        const prefix = ai === '00' || ai === '01' ? '' : `(01)${GTIN}`;
        expect(parseBarcode(`${prefix}(${ai})${good}`, { today }).ok).toBe(true);
        expect(err(parseBarcode(`${prefix}(${ai})${changed}`, { today }))).toContain(
          `(${ai}) ${changed} has a wrong check digit`
        );
      }
      const content = `(00)${sscc}(02)${gtin}(37)12`;
      expect(ok(parseBarcode(content, { today }))).toMatchObject({ sscc, gtin, qty: 12 });
      expect(
        err(
          parseBarcode(content.replace(`(02)${gtin}`, `(02)${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}`), {
            today
          })
        )
      ).toContain('wrong check digit');
    }
  });
});

describe('association rules (GS1 General Specifications 4.14)', () => {
  it('02 with 37 and 00 is clean', () => {
    const r = ok(parseBarcode(`(00)106141411234567897(02)${GTIN}(37)24`, { today }));
    expect(r.broken_rules).toBeUndefined();
  });
  it('records 01 with 37 (common on supplier labels) with the broken rule, keeping the count', () => {
    const r = ok(parseBarcode(`(01)${GTIN}(37)24`, { today }));
    expect(r).toMatchObject({ gtin: GTIN, qty: 24 });
    expect(r.broken_rules).toContain('(01) and (37) may not be used together');
  });
  it('records 02 without 37, and 37 without 00', () => {
    expect(ok(parseBarcode(`(00)106141411234567897(02)${GTIN}`, { today })).broken_rules).toEqual([
      '(02) must be used with (37)'
    ]);
    expect(ok(parseBarcode(`(02)${GTIN}(37)24`, { today })).broken_rules).toEqual(['(37) must be used with (00)']);
  });
  it('records a lot or a date without a GTIN', () => {
    const r = ok(parseBarcode(`(00)106141411234567897(10)L1(17)271231`, { today }));
    expect(r.broken_rules).toEqual([
      '(10) must be used with (01) or (02) or (03) or (8006) or (8026)',
      '(17) must be used with (01) or (02) or (03) or (255) or (8006) or (8026)'
    ]);
  });
  // Each row is one rule of GS1 General Specifications 4.14.1 (invalid pairs) or 4.14.2 (mandatory associations) as
  // the GS1 Barcode Syntax Dictionary restates it ("37 req=00 req=02,8026": a count needs an SSCC AND a content
  // GTIN or ITIP content). (37) with (02) but no (00) is a broken rule: 02 and 37 belong on a logistic unit, which
  // the SSCC identifies (GS1 Denmark's AI 02 page: "must always be used together with AI 37 and AI 00").
  it.each([
    ['37 needs 00 as well as 02 or 8026', `(02)${GTIN}(37)24`, ['(37) must be used with (00)']],
    ['37 with 8026 and 00 is clean', `(00)106141411234567897(8026)${GTIN}0102(37)24`, []],
    ['8026 needs 37', `(00)106141411234567897(8026)${GTIN}0102`, ['(8026) must be used with (37)']],
    ['37 with neither 02 nor 8026', `(00)106141411234567897(37)24`, ['(37) must be used with (02) or (8026)']],
    [
      '03 with 37 is an invalid pair',
      `(00)106141411234567897(03)${GTIN}(37)2`,
      ['(03) and (37) may not be used together', '(37) must be used with (02) or (8026)']
    ],
    [
      '8006 with 37 is an invalid pair',
      `(8006)${GTIN}0102(37)2`,
      [
        '(37) must be used with (00)',
        '(37) must be used with (02) or (8026)',
        '(8006) and (37) may not be used together'
      ]
    ],
    [
      'two net weights in kg (310n ex=310n)',
      `(01)${GTIN}(3102)001250(3103)012500`,
      ['(3102) and (3103) may not be used together']
    ],
    ['net weight in kg and in lb may go together', `(01)${GTIN}(3102)001250(3202)002755`, []],
    ['250 needs 01 or 8006 and 21', `(01)${GTIN}(250)X1`, ['(250) must be used with (21)']],
    ['254 needs 414', `(254)EXT1`, ['(254) must be used with (414)']],
    [
      '8030 needs an instance key: 01 with 21',
      `(01)${GTIN}(8030)abcd`,
      [
        '(8030) must be used with (00) or (01) and (21) or (253) or (255) or (8003) or (8004) or (8006) and (21) or (8010) and (8011) or (8017) or (8018)'
      ]
    ],
    ['8030 with 01 and 21 is clean', `(01)${GTIN}(21)S1(8030)abcd`, []]
  ])('%s', (_name, code, broken) => {
    const elements = splitBracketed(code);
    if (typeof elements === 'string') throw new Error(elements);
    const r = checkElements(elements, today);
    if (!r.ok) throw new Error(r.error);
    expect([...r.broken_rules].sort()).toEqual([...broken].sort());
  });
  it('refuses 01 with 02: the code names two trade items', () => {
    expect(err(parseBarcode(`(01)${GTIN}(02)${GTIN}(37)5`, { today }))).toContain(
      '(01) and (02) may not be used together'
    );
  });
  it('refuses two different values of one AI, keeps a repeat', () => {
    expect(err(parseBarcode(`(01)${GTIN}(10)A(10)B`, { today }))).toContain('appears twice');
    expect(ok(parseBarcode(`(01)${GTIN}(10)A(10)A`, { today })).lot).toBe('A');
  });
});

describe('unknown AIs and the bracketed form', () => {
  it('keeps well-formed AIs the table does not know, and skips them', () => {
    const r = ok(parseBarcode(`]C101${GTIN}8040ABC${GS}10L7`, { today }));
    expect(r).toMatchObject({ gtin: GTIN, lot: 'L7', unknown_ais: ['8040'] });
    expect(ok(parseBarcode(`(01)${GTIN}(717)X1(10)L7`, { today })).unknown_ais).toEqual(['717']);
  });
  it('refuses text that is not an AI at all', () => {
    expect(err(parseBarcode(`]C101${GTIN}4455`, { today }))).toContain('not a GS1 Application Identifier');
    expect(err(parseBarcode(`(01)${GTIN}(444)1`, { today }))).toContain('(444) is not a GS1 Application Identifier');
  });
  it('reads "\\(" as a literal bracket inside data', () => {
    expect(splitBracketed('(01)09506000134352(10)AB\\(1)')).toEqual([
      { ai: '01', data: GTIN, known: true },
      { ai: '10', data: 'AB(1)', known: true }
    ]);
    expect(ok(parseBarcode(`(01)${GTIN}(10)AB\\(1`, { today })).lot).toBe('AB(1');
  });
  it('gives the same meaning in bracketed and GS-separated form (generated lots, dates, GTINs)', () => {
    const r = rng(3);
    const lotChars = 'ABCXYZ0123456789-./_%';
    for (let i = 0; i < 300; i++) {
      const gtin = withCheck(digits(r, 13));
      const lot = Array.from(
        { length: 1 + Math.floor(r() * 20) },
        () => lotChars[Math.floor(r() * lotChars.length)]
      ).join('');
      const d = new Date(Date.UTC(2000 + Math.floor(r() * 70), Math.floor(r() * 12), 1 + Math.floor(r() * 28)));
      const yymmdd = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
      const iso = d.toISOString().slice(0, 10);
      const a = ok(parseBarcode(`(01)${gtin}(17)${yymmdd}(10)${lot}`, { today }));
      const b = ok(parseBarcode(`]d201${gtin}10${lot}${GS}17${yymmdd}`, { today }));
      const c = ok(parseBarcode(`${GS}01${gtin}17${yymmdd}10${lot}`, { today }));
      const e = ok(
        parseBarcode(`https://id.example.com/01/${gtin}/10/${encodeURIComponent(lot)}?17=${yymmdd}`, { today })
      );
      for (const x of [a, b, c, e]) expect(x).toMatchObject({ gtin, lot, expiry: iso });
      expect(a.broken_rules).toBeUndefined();
    }
  });
  it('splitElementString holds the elements in order', () => {
    expect(splitElementString(`01${GTIN}3103000195`)).toEqual([
      { ai: '01', data: GTIN, known: true },
      { ai: '3103', data: '000195', known: true }
    ]);
  });
});

describe('GS1 Digital Link', () => {
  it('reads the primary key, qualifiers 22, 10, 21 in order, and query attributes', () => {
    const r = ok(
      parseBarcode(`https://id.example.com/01/${GTIN}/22/CPV1/10/ABC/21/S%2F1?17=271231&3103=000195&linkType=gs1:pip`, {
        today
      })
    );
    expect(r).toMatchObject({ format: 'digital_link', gtin: GTIN, lot: 'ABC', serial: 'S/1', expiry: '2027-12-31' });
  });
  it('allows a path prefix, GTIN-8/12/13 keys and an upper-case URI', () => {
    expect(ok(parseBarcode(`https://example.com/shop/products/01/9506000134352/10/L1`, { today })).gtin).toBe(GTIN);
    expect(ok(parseBarcode(`https://example.com/01/036000291452`, { today })).gtin).toBe('00036000291452');
    expect(ok(parseBarcode(`HTTPS://ID.EXAMPLE.COM/01/${GTIN}/10/ABC`, { today })).lot).toBe('ABC');
  });
  it('percent-decodes path and query values, and refuses a broken escape', () => {
    expect(ok(parseBarcode(`https://id.example.com/01/${GTIN}/10/A%21%25B`, { today })).lot).toBe('A!%B');
    expect(err(parseBarcode(`https://id.example.com/01/${GTIN}/10/A%2`, { today }))).toContain('percent-encoding');
    expect(parseDigitalLink(`https://id.example.com/01/${GTIN}?7002=X%2FY`)).toEqual({
      ok: true,
      elements: [
        { ai: '01', data: GTIN, known: true },
        { ai: '7002', data: 'X/Y', known: true }
      ]
    });
    // A key qualifier belongs in the path.
    expect(err(parseBarcode(`https://id.example.com/01/${GTIN}?10=X`, { today }))).toContain('belongs in the path');
  });
  it('applies the same rules: check digit, date, character set', () => {
    expect(err(parseBarcode(`https://id.example.com/01/09506000134353`, { today }))).toContain('wrong check digit');
    expect(err(parseBarcode(`https://id.example.com/01/${GTIN}?17=271331`, { today }))).toContain(
      '(17) 271331 is not a valid date'
    );
    expect(err(parseBarcode(`https://id.example.com/01/${GTIN}/10/A%20B`, { today }))).toContain('CSET 82');
  });
  it('does not take qualifiers out of order or keys in the query', () => {
    // 10 before 22 is not the qualifier order: not a Digital Link with this key.
    expect(parseDigitalLink(`https://id.example.com/01/${GTIN}/10/ABC/22/X`)).toBeNull();
    expect(parseDigitalLink(`https://id.example.com/01/${GTIN}?01=${GTIN}`)).toMatchObject({ ok: false });
  });
  it('never mistakes another web address for an item', () => {
    for (const url of [
      'https://example.com/',
      'https://example.com/products/widget-7',
      'https://example.com/search?q=01',
      'http://intranet/parts/P-1001',
      `https://example.com/gtin/${GTIN}`
    ]) {
      expect(parseDigitalLink(url)).toBeNull();
      expect(err(parseBarcode(url, { today, gtinToItem: () => 'P-1' }))).toContain('not a GS1 Digital Link');
    }
  });
});

describe('ISO 15434 / ANSI MH10.8.2 carton labels', () => {
  const label = (fields: string[]) => `[)>${RS}06${GS}${fields.join(GS)}${RS}${EOT}`;
  it('reads P, 1P, Q, 1T, K, 4K, 11K and the date code', () => {
    const r = ok(
      parseBarcode(label(['PP-1001', '1PSUP-77', 'Q250', '1TLOT9', 'KPO-123', '4K2', '11KPL55', '10D2547']), {})
    );
    expect(r).toMatchObject({
      format: 'mh10',
      item_id: 'P-1001',
      customer_part: 'P-1001',
      supplier_part: 'SUP-77',
      qty: 250,
      lot: 'LOT9',
      po: 'PO-123',
      po_line: '2',
      packing_list: 'PL55',
      date_code: '2547'
    });
  });
  it('maps the supplier part through supplier items when there is no customer part', () => {
    const supplierPartToItem = (p: string) => (p === 'SUP-77' ? 'P-1001' : undefined);
    expect(ok(parseBarcode(label(['1PSUP-77', 'Q5']), { supplierPartToItem }))).toMatchObject({
      item_id: 'P-1001',
      qty: 5
    });
    expect(err(parseBarcode(label(['1PSUP-78', 'Q5']), { supplierPartToItem }))).toContain('not linked');
    expect(err(parseBarcode(label(['PP-2', '1PSUP-77']), { supplierPartToItem }))).toContain('different items');
  });
  it('refuses a cut-short or malformed label with the reason', () => {
    expect(err(parseBarcode(`[)>${RS}06${GS}PP-1${RS}`, {}))).toContain('cut short');
    expect(err(parseBarcode(label(['PP-1', 'Q0']), {}))).toContain('quantity');
    expect(err(parseBarcode(label(['PP-1', 'Q1.5']), {}))).toContain('quantity');
    expect(err(parseBarcode(label(['PP-1', '9D2560']), {}))).toContain('not YYWW');
    expect(err(parseBarcode(label(['PP-1', '1T']), {}))).toContain('empty');
    expect(err(parseBarcode(label(['PP-1', '1TA', '1TB']), {}))).toContain('twice');
  });
  it('keeps Data Identifiers it does not interpret and reads a GS1 format 05 envelope', () => {
    expect(ok(parseBarcode(label(['PP-1', '3SXYZ']), {})).item_id).toBe('P-1');
    const r = ok(parseBarcode(`[)>${RS}05${GS}01${GTIN}10L1${RS}${EOT}`, { today }));
    expect(r).toMatchObject({ format: 'gs1', gtin: GTIN, lot: 'L1' });
  });
});

describe('UPC-A read as UPC-A or as EAN-13 with a leading 0', () => {
  it('finds the same item either way, and from GS1 AI 01 too (generated UPC-A codes)', () => {
    const r = rng(4);
    for (let i = 0; i < 200; i++) {
      const upc = withCheck(digits(r, 11));
      const ean = '0' + upc;
      const items = [{ item_id: `I-${i}`, gtin: i % 2 ? upc : ean }];
      const gtinToItem = gtinLookup(items);
      expect(gtinKey(upc)).toBe(gtinKey(ean));
      for (const text of [upc, ean, `]E0${ean}`, `(01)00${upc}`, `https://id.example.com/01/${upc}`])
        expect(ok(parseBarcode(text, { gtinToItem, today })).item_id).toBe(`I-${i}`);
    }
  });
  it('a GTIN stored with an EAN-8 form is found from its 14-digit form', () => {
    const gtinToItem = gtinLookup([{ item_id: 'E8', gtin: '95012346' }]);
    expect(ok(parseBarcode('(01)00000095012346', { gtinToItem, today })).item_id).toBe('E8');
  });
});

describe('items linked through a supplier part', () => {
  it('names the supplier part, not an absent GTIN, when the linked item code is invalid', () => {
    const label = `[)>${RS}06${GS}1PSUP-1${GS}Q2${RS}${EOT}`;
    const e = err(parseBarcode(label, { supplierPartToItem: () => ' bad ' }));
    expect(e).toBe('The item linked to supplier part SUP-1 has an invalid code: it has spaces at its ends.');
  });
});

describe('one GTIN in two forms on two items', () => {
  it('maps to neither item rather than to whichever came last', () => {
    const gtinToItem = gtinLookup([
      { item_id: 'A', gtin: '036000291452' },
      { item_id: 'B', gtin: '0036000291452' },
      { item_id: 'C', gtin: GTIN }
    ]);
    expect(gtinToItem('00036000291452')).toBeUndefined();
    expect(err(parseBarcode('(01)00036000291452', { gtinToItem, today }))).toContain('not linked to any item');
    expect(gtinToItem(GTIN)).toBe('C');
  });
});
