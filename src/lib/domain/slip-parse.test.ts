import { describe, expect, it } from 'vitest';
import { UNSURE, type TextItem, type TextLayer } from './slip';
import { hasText, parseTextLayer, readDate, readQty } from './slip-parse';
import { buildCorpus, KINDS, scoreSlip } from '../../../tests/fixtures/slip-corpus';

// A row of cells at baseline y: [text, x] pairs, each 6 pt per character wide.
const row = (y: number, ...cells: [string, number][]): TextItem[] =>
  cells.map(([s, x]) => ({ s, x, y, w: s.length * 6, h: 10 }));
const page = (...rows: TextItem[][]): TextLayer => [{ width: 612, height: 792, items: rows.flat() }];

describe('readQty', () => {
  it.each([
    ['12', { qty: 12, unit: null, exact: true }],
    ['1,200', { qty: 1200, unit: null, exact: true }],
    ['3 BOX', { qty: 3, unit: 'BOX', exact: true }],
    ['2.0', { qty: 2, unit: null, exact: true }],
    ['2.5kg', { qty: 3, unit: 'kg', exact: false }],
    ['1.00 kg', { qty: 1, unit: 'kg', exact: true }]
  ])('reads %s', (text, expected) => expect(readQty(text)).toEqual(expected));
  it.each([
    ['1.234', 1234],
    ['1,00', 1],
    ['12.345,00 st', 12345],
    ['2,5', 3]
  ])('reads %s with a decimal comma as %d', (text, qty) => expect(readQty(text, 'comma')?.qty).toBe(qty));
  it.each(['', 'abc', '0', '-3', 'AF-100', '12 34 56 78'])('refuses %s', (text) => expect(readQty(text)).toBeNull());
});

describe('readDate', () => {
  it.each([
    ['2026-03-12', '2026-03-12'],
    ['12.03.2026', '2026-03-12'],
    ['03/12/2026', '2026-03-12'],
    ['12 Mar 2026', '2026-03-12'],
    ['March 12, 2026', '2026-03-12'],
    ['2026-02-30', null],
    ['soon', null]
  ])('reads %s as %s', (text, expected) => expect(readDate(text)).toBe(expected));
});

describe('parseTextLayer', () => {
  it('maps columns by the header, whatever their order, and stops at the total', () => {
    const layer = page(
      row(40, ['Widget Works', 40]),
      row(60, ['Slip #: W-9', 40], ['PO: 77', 300]),
      row(100, ['Description', 40], ['SKU', 250], ['Qty', 400]),
      row(120, ['Gear 12T', 40], ['G-12', 250], ['4', 400]),
      row(136, ['Gear 24T', 40], ['G-24', 250], ['10', 400]),
      row(160, ['Total', 40], ['14', 400])
    );
    expect(parseTextLayer(layer)).toEqual({
      supplier: 'Widget Works',
      slip_number: 'W-9',
      po_number: '77',
      date: null,
      lines: [
        { supplier_part: 'G-12', description: 'Gear 12T', qty: 4, unit: null, lot: null, confidence: 1 },
        { supplier_part: 'G-24', description: 'Gear 24T', qty: 10, unit: null, lot: null, confidence: 1 }
      ]
    });
  });

  it('joins runs of one cell and rows whose baselines differ by a fraction of a line', () => {
    const layer = page(row(100, ['Qty', 40], ['Part', 100], ['Description', 200]), [
      ...row(120, ['5', 40], ['P-1', 100], ['Hex', 200]),
      ...row(121.5, ['bolt', 222])
    ]);
    expect(parseTextLayer(layer).lines).toEqual([
      { supplier_part: 'P-1', description: 'Hex bolt', qty: 5, unit: null, lot: null, confidence: 1 }
    ]);
  });

  it('marks lines it is unsure of: no part number, or a rounded quantity', () => {
    const layer = page(row(100, ['Qty', 40], ['Description', 200]), row(120, ['2.5', 40], ['Cable', 200]));
    expect(parseTextLayer(layer).lines[0]).toMatchObject({ qty: 3, supplier_part: null, confidence: 0.4 });
  });

  it('finds no lines without a header row, and says a page of few runs has no text', () => {
    const layer = page(row(100, ['Thank you for your order', 40]), row(120, ['5', 40], ['P-1', 100]));
    expect(parseTextLayer(layer).lines).toEqual([]);
    expect(hasText(layer)).toBe(false);
    expect(hasText([{ width: 1, height: 1, items: [] }])).toBe(false);
  });
});

const L = (part: string | null, qty: number, extra: object = {}) =>
  expect.objectContaining({ supplier_part: part, qty, ...extra });

describe('parseTextLayer, by kind', () => {
  it('keeps a line-number column out of the part number', () => {
    const layer = page(
      row(100, ['#', 40], ['Part No', 60], ['Description', 160], ['Qty', 400]),
      row(120, ['1', 40], ['ZX-31196', 60], ['Relay 24 V', 160], ['4', 400]),
      row(136, ['2', 40], ['ZX-31197', 60], ['Relay 12 V', 160], ['12', 400])
    );
    expect(parseTextLayer(layer).lines).toEqual([L('ZX-31196', 4), L('ZX-31197', 12)]);
  });

  it('receives the shipped quantity of Ordered | Shipped | B/O, never the ordered or backordered one', () => {
    const layer = page(
      row(100, ['Item', 40], ['Description', 120], ['Ordered', 330], ['Shipped', 390], ['B/O', 450]),
      row(120, ['AB-1', 40], ['Gear', 120], ['10', 340], ['6', 400], ['4', 455])
    );
    expect(parseTextLayer(layer).lines).toEqual([L('AB-1', 6, { description: 'Gear', unit: null })]);
  });

  it('keeps weight, price, amount, currency, origin and HS code out of the unit and the line', () => {
    const layer = page(
      row(
        100,
        ['SKU', 40],
        ['Qty', 120],
        ['UOM', 160],
        ['Weight', 200],
        ['Unit price', 260],
        ['Cur', 330],
        ['COO', 370],
        ['HS code', 410]
      ),
      row(
        120,
        ['W-9', 40],
        ['3', 125],
        ['EA', 160],
        ['326.0 kg', 200],
        ['12.50', 265],
        ['EUR', 330],
        ['DE', 370],
        ['7318.15.88', 410]
      )
    );
    expect(parseTextLayer(layer).lines).toEqual([
      { supplier_part: 'W-9', description: '', qty: 3, unit: 'EA', lot: null, confidence: 1 }
    ]);
  });

  it('ends the table at a "Total units" row, notes and a signature box, and still reads what is under them', () => {
    const layer = page(
      row(100, ['Part', 40], ['Qty', 300]),
      row(120, ['P-1', 40], ['5', 300]),
      row(140, ['Total units: 5', 40]),
      row(160, ['Notes: 12 boxes', 40], ['99', 300]),
      row(180, ['Received by: ____', 40], ['PO: 4711', 300])
    );
    expect(parseTextLayer(layer)).toMatchObject({ po_number: '4711', lines: [L('P-1', 5)] });
  });

  it('reads a lot column and a description wrapped onto a second text line', () => {
    const layer = page(
      row(100, ['Part #', 40], ['Description', 120], ['Batch', 330], ['Qty', 420]),
      row(120, ['H-12', 40], ['Hose DN12 with', 120], ['B-7781', 330], ['10', 425]),
      row(131, ['crimped fittings', 120]),
      row(146, ['H-13', 40], ['Coupling', 120], ['B-7790', 330], ['2', 425])
    );
    expect(parseTextLayer(layer).lines).toEqual([
      L('H-12', 10, { lot: 'B-7781', description: 'Hose DN12 with crimped fittings' }),
      L('H-13', 2, { lot: 'B-7790' })
    ]);
  });

  it('reads a right-aligned quantity under a left-aligned header, before a near unit column', () => {
    // "1,250" ends past "Qty" and closer to "Unit" than to "Qty": it still belongs to the quantity zone.
    const layer = page(
      row(100, ['Part', 40], ['Qty', 150], ['Unit', 200]),
      row(120, ['P-7', 40], ['1,250', 160], ['M', 200])
    );
    expect(parseTextLayer(layer).lines).toEqual([L('P-7', 1250, { unit: 'M' })]);
  });

  it('joins a header written on two lines', () => {
    const layer = page(
      row(100, ['Item', 40], ['Item', 120], ['Qty', 330], ['Unit of', 380]),
      row(110, ['Number', 40], ['Description', 120], ['Shipped', 330], ['Measure', 380]),
      row(130, ['K-1', 40], ['Clamp', 120], ['8', 335], ['PCS', 380])
    );
    expect(parseTextLayer(layer).lines).toEqual([L('K-1', 8, { description: 'Clamp', unit: 'PCS' })]);
  });

  it('reads an invoice: the part in brackets in the description, a quantity with decimals and a unit', () => {
    const layer = page(
      row(60, ['Invoice No: INV-2291', 40]),
      row(100, ['Description', 40], ['Qty', 300], ['Unit price', 360], ['Amount', 440]),
      row(120, ['[17589684] Beeswax XL', 40], ['1.00 kg', 300], ['12.00', 360], ['12.00', 440]),
      row(140, ['Subtotal', 360], ['12.00', 440])
    );
    expect(parseTextLayer(layer)).toMatchObject({
      slip_number: 'INV-2291',
      lines: [{ supplier_part: '17589684', description: 'Beeswax XL', qty: 1, unit: 'kg', lot: null, confidence: 1 }]
    });
  });

  it('reads German headers and decides the decimal comma from the document, not per cell', () => {
    // "1.200" alone could be 1.2 or 1200; the "12,50" prices on the same slip settle it.
    const layer = page(
      row(60, ['Lieferschein-Nr.: LS-2026-0311', 40], ['Bestellnummer: 4500123', 300]),
      row(100, ['Artikelnummer', 40], ['Bezeichnung', 140], ['Menge', 330], ['Einzelpreis', 400]),
      row(120, ['KH-1', 40], ['Schlauch', 140], ['1.200', 330], ['12,50', 400]),
      row(136, ['KH-2', 40], ['Kupplung', 140], ['3,00', 330], ['1.012,50', 400])
    );
    expect(parseTextLayer(layer)).toMatchObject({
      slip_number: 'LS-2026-0311',
      po_number: '4500123',
      lines: [L('KH-1', 1200), L('KH-2', 3)]
    });
  });

  it.each([
    ['Aantal', 'Omschrijving', 'Artikelnr.', 'Pakbon nr: PB-17'],
    ['Hoeveelheid', 'Omschrijving', 'Artikel', 'Pakbon nr: PB-17'],
    ['Quantité', 'Désignation', 'Référence', 'Bon de livraison n° PB-17'],
    ['Cantidad', 'Descripción', 'Código', 'Albarán nº: PB-17'],
    ['Quantità', 'Descrizione', 'Codice', 'Bolla n.: PB-17'],
    ['Anzahl', 'Bezeichnung', 'Artikel-Nr.', 'Lieferschein PB-17']
  ])('reads %s | %s | %s headers and the slip number of "%s"', (qty, desc, part, slip) => {
    const layer = page(
      row(60, [slip, 40]),
      row(100, [part, 40], [desc, 140], [qty, 400]),
      row(120, ['Z-5', 40], ['Schroef', 140], ['7', 410])
    );
    expect(parseTextLayer(layer)).toMatchObject({ slip_number: 'PB-17', lines: [L('Z-5', 7)] });
  });

  it('reads the slip number, PO number, supplier and date when no table is found', () => {
    const layer = page(
      row(40, ['Hoffmann Werkzeuge KG', 40], ['LIEFERSCHEIN', 380]),
      row(60, ['Lieferschein-Nr.: 80-1177', 40], ['Datum: 03.04.2026', 330]),
      row(76, ['Ihre Bestellung: 4711-22', 40]),
      row(100, ['Ware laut beiliegender Liste', 40])
    );
    expect(parseTextLayer(layer)).toEqual({
      supplier: 'Hoffmann Werkzeuge KG',
      slip_number: '80-1177',
      po_number: '4711-22',
      date: '2026-04-03',
      lines: []
    });
  });

  it('reads a quantity column first, and a header repeated on the next page', () => {
    const p1 = page(
      row(100, ['Qty', 40], ['Part', 90], ['Description', 200]),
      row(120, ['5', 40], ['A-1', 90], ['Nut', 200]),
      row(770, ['Page 1 of 2', 40])
    )[0];
    const p2 = page(
      row(100, ['Qty', 40], ['Part', 90], ['Description', 200]),
      row(120, ['7', 40], ['A-2', 90], ['Bolt', 200])
    )[0];
    expect(parseTextLayer([p1, p2]).lines).toEqual([L('A-1', 5), L('A-2', 7)]);
  });
});

describe('parseTextLayer on OCR-like words', () => {
  it('keeps words of one row together when their baselines wobble, and reads "Item #" as the part', () => {
    const w = (s: string, x: number, y: number): TextItem => ({ s, x, y, w: s.length * 5, h: 10 });
    const layer: TextLayer = [
      {
        width: 612,
        height: 792,
        items: [
          ...[w('Item', 40, 100), w('#', 62, 101.5), w('Description', 140, 99), w('Qty', 400, 101)],
          ...[
            w('AB-7', 40, 121.8),
            w('Heat', 140, 120),
            w('shrink', 165, 122.5),
            w('6', 196, 119.8),
            w('mm', 203, 121),
            w('12', 402, 123)
          ]
        ]
      }
    ];
    expect(parseTextLayer(layer).lines).toEqual([
      { supplier_part: 'AB-7', description: 'Heat shrink 6 mm', qty: 12, unit: null, lot: null, confidence: 1 }
    ]);
  });
});

// Failures of the photo corpus (OCR of generated photos, dev seed 7), one test a kind.
describe('parseTextLayer on what OCR gets wrong', () => {
  const w = (s: string, x: number, y: number): TextItem => ({ s, x, y, w: s.length * 5, h: 10 });
  const one = (...items: TextItem[]): TextLayer => [{ width: 612, height: 792, items }];

  it('keeps a line-number column whose header was misread ("LJ" for "Ln") off the part', () => {
    const layer = one(
      ...[w('LJ', 30, 100), w('Part No', 60, 100), w('Description', 140, 100), w('Qty', 400, 100)],
      ...[w('1', 32, 120), w('EV-44391', 60, 120), w('Beeswax XL', 140, 120), w('100', 405, 120)]
    );
    expect(parseTextLayer(layer).lines).toMatchObject([{ supplier_part: 'EV-44391', qty: 100 }]);
  });

  it('reads a header word OCR got one letter wrong ("pescription", "Quantlty")', () => {
    const layer = one(
      ...[w('Part', 40, 100), w('pescription', 140, 100), w('Quantlty', 400, 100)],
      ...[w('AB-7', 40, 120), w('Heat shrink', 140, 120), w('12', 405, 120)]
    );
    expect(parseTextLayer(layer).lines).toMatchObject([{ supplier_part: 'AB-7', description: 'Heat shrink', qty: 12 }]);
  });

  it('reads short header words OCR got a letter wrong ("Quy", "tem"), and long ones two letters wrong', () => {
    const layer = one(
      ...[w('tem', 40, 100), w('Description', 140, 100), w('Quy', 400, 100)],
      ...[w('AB-7', 40, 120), w('Heat shrink', 140, 120), w('12', 405, 120)]
    );
    expect(parseTextLayer(layer).lines).toMatchObject([{ supplier_part: 'AB-7', description: 'Heat shrink', qty: 12 }]);
    const french = one(
      ...[w('Reétérence', 40, 100), w('Designation', 140, 100), w('Quantite', 400, 100)],
      ...[w('72354229', 40, 120), w('Joint', 140, 120), w('500', 405, 120)]
    );
    expect(parseTextLayer(french).lines).toMatchObject([{ supplier_part: '72354229', qty: 500 }]);
    // A short word inside a longer label is not read loosely: "Pat. pending" names no part column.
    const label = one(...[w('Pat. pending', 40, 100), w('Qty', 400, 100)], ...[w('AB-7', 40, 120), w('12', 405, 120)]);
    expect(parseTextLayer(label).lines).toEqual([]);
  });

  it('splits two quantity columns OCR set as one cell ("Qty Ordered  Qty Shipped"), and keeps "Qty Shipped" whole', () => {
    // 6 pt per letter: the second name starts 6 pt (0.6 of a line) after the first ends, as close as OCR sets words.
    const row = (y: number, ...cells: [string, number][]) =>
      cells.map(([s, x]) => ({ s, x, y, w: s.length * 6, h: 10 }));
    const layer: TextLayer = [
      {
        width: 612,
        height: 792,
        items: [
          ...row(100, ['Item Code', 40], ['Description', 130], ['Qty Ordered', 300], ['Qty Shipped', 372]),
          ...row(120, ['40368531', 40], ['Fitting', 130], ['28', 330], ['25', 410])
        ]
      }
    ];
    expect(parseTextLayer(layer).lines).toMatchObject([{ supplier_part: '40368531', qty: 25 }]);
    const shipped: TextLayer = [
      {
        width: 612,
        height: 792,
        items: [
          ...row(100, ['Item', 40], ['Number', 70], ['Description', 130], ['Qty', 330], ['Shipped', 354]),
          ...row(120, ['XR-57688', 40], ['Fitting', 130], ['250', 372])
        ]
      }
    ];
    expect(parseTextLayer(shipped).lines).toMatchObject([{ supplier_part: 'XR-57688', qty: 250 }]);
  });

  it('reads a column of codes whose header OCR could not read as the part, when no part column is named', () => {
    const layer = one(
      ...[w('Xyzzy', 40, 100), w('Description', 140, 100), w('Ordered', 330, 100), w('Shipped', 400, 100)],
      ...[w('T3643TB', 40, 120), w('Angle grinder disc', 140, 120), w('25', 335, 120), w('25', 405, 120)],
      ...[w('W2670TD', 40, 140), w('Fitting 8 mm', 140, 140), w('34', 335, 140), w('24', 405, 140)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines).toMatchObject([
      { supplier_part: 'T3643TB', description: 'Angle grinder disc', qty: 25 },
      { supplier_part: 'W2670TD', qty: 24 }
    ]);
    // Words under an unread header are no part number.
    const words = one(
      ...[w('Xyzzy', 40, 100), w('Description', 140, 100), w('Shipped', 400, 100)],
      ...[w('Blue', 40, 120), w('Angle grinder disc', 140, 120), w('25', 405, 120)],
      ...[w('Red', 40, 140), w('Fitting 8 mm', 140, 140), w('24', 405, 140)]
    );
    expect(parseTextLayer(words, { ocr: true }).lines.map((l) => l.supplier_part)).toEqual([null, null]);
  });

  it('takes the part number alone when the description header was lost, and the rest as the description', () => {
    const layer = one(
      ...[w('Part No', 40, 100), w('Qty', 400, 100)],
      ...[w('EV-44391', 40, 120), w('Beeswax XL', 140, 120), w('100', 405, 120)]
    );
    expect(parseTextLayer(layer).lines).toMatchObject([
      { supplier_part: 'EV-44391', description: 'Beeswax XL', qty: 100 }
    ]);
  });

  it('reads a PO number whose label OCR misread by a letter ("Bestelinummer")', () => {
    const layer = one(w('Bestelinummer: PO-5089249', 40, 60), w('Lieferschein-Nr.: PB401203', 40, 75));
    expect(parseTextLayer(layer)).toMatchObject({ slip_number: 'PB401203', po_number: 'PO-5089249' });
  });

  it('keeps a prefix that looks like a label on a slip or PO number OCR set apart ("BL916805", "PO-58175320")', () => {
    const layer = one(
      ...[w('Packing Slip No:', 40, 40), w('BL916805', 140, 40)],
      ...[w('PO Number:', 40, 55), w('PO-58175320', 140, 55)],
      ...[w('Part', 40, 100), w('Description', 140, 100), w('Qty', 400, 100)],
      ...[w('AB-7', 40, 120), w('Heat shrink', 140, 120), w('12', 405, 120)]
    );
    expect(parseTextLayer(layer, { ocr: true })).toMatchObject({ slip_number: 'BL916805', po_number: 'PO-58175320' });
  });

  it('reads the slip and PO numbers when OCR gives their label and value as separate words', () => {
    const layer = one(
      ...[w('Packing', 40, 60), w('Slip', 82, 60), w('No:', 110, 60), w('LS-408104', 132, 60)],
      ...[w('PO', 40, 75), w('Number:', 56, 75), w('4545852090', 100, 75)]
    );
    expect(parseTextLayer(layer)).toMatchObject({ slip_number: 'LS-408104', po_number: '4545852090' });
  });

  it.each([
    ['$00', 500],
    ['1O', 10],
    ['I2', 12],
    ['2l', 21],
    ['$00.00', 500],
    ['1O0 pcs', 100]
  ])('reads the quantity %s, with letters OCR took for digits, as %d', (text, qty) =>
    expect(readQty(text)?.qty).toBe(qty)
  );
  it.each(['EA', 'SET', 'BOX', 'S', 'lot'])('still refuses %s as a quantity', (text) =>
    expect(readQty(text)).toBeNull()
  );

  it('reads any header word of six letters or more within one letter ("Cédigo" for "Código")', () => {
    const layer = one(
      ...[w('Cédigo', 40, 100), w('Descripcion', 140, 100), w('Cantidad', 400, 100)],
      ...[w('653.106.65', 40, 120), w('Beeswax XL', 140, 120), w('5', 405, 120)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines).toMatchObject([{ supplier_part: '653.106.65', qty: 5 }]);
  });

  it('reads "19.151" as thousands on a German slip where OCR cut one quantity to "3.99"', () => {
    const layer = one(
      ...[w('Artikelnummer', 40, 100), w('Bezeichnung', 140, 100), w('Menge', 400, 100)],
      ...[w('BCW367-W50', 40, 120), w('Spannstift', 140, 120), w('19.151', 405, 120)],
      ...[w('PBG242-U21', 40, 140), w('Schraube', 140, 140), w('7.036', 405, 140)],
      ...[w('APR879-U64', 40, 160), w('Leuchte', 140, 160), w('3.99', 405, 160)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines.map((l) => l.qty)).toEqual([19151, 7036, 4]);
  });

  it('reads "12,00" as twelve on a slip whose other quantities OCR read as "50.00"', () => {
    const layer = one(
      ...[w('Omschrijving', 40, 100), w('Aantal', 300, 100), w('Prijs', 380, 100)],
      ...[w('[RS-68856] Cable tie', 40, 120), w('12,00', 300, 120), w('454.94', 380, 120)],
      ...[w('[XD-93549] Hose', 40, 135), w('50.00', 300, 135), w('180.94', 380, 135)],
      ...[w('[HL-11187] Seal kit', 40, 150), w('48.00', 300, 150), w('473.16', 380, 150)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines.map((l) => [l.supplier_part, l.qty])).toEqual([
      ['RS-68856', 12],
      ['XD-93549', 50],
      ['HL-11187', 48]
    ]);
    expect(readQty('12,00')?.qty).toBe(12);
    expect(readQty('1.234,50', 'dot')?.qty).toBe(1235);
  });

  it('reads a part in brackets OCR misread ("|JRK902-B63)", a hyphen lost to a space) and noise after a quantity', () => {
    const layer = one(
      ...[w('Bezeichnung', 40, 100), w('Menge', 300, 100), w('Betrag', 400, 100)],
      ...[w('|JRK902-B63) Pneumatic fitting', 40, 120), w('144,00 kg', 300, 120), w('76.423,68', 400, 120)],
      ...[w('[DCS125 S38] LED panel', 40, 135), w('3,00 p¢', 300, 135), w('2985,03', 400, 135)],
      ...[w('[UWV819-C79] Copper pipe', 40, 150), w('1,00 set', 300, 150), w('700,45', 400, 150)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines).toMatchObject([
      { supplier_part: 'JRK902-B63', description: 'Pneumatic fitting', qty: 144 },
      { supplier_part: 'DCS125-S38', description: 'LED panel', qty: 3 },
      { supplier_part: 'UWV819-C79', description: 'Copper pipe', qty: 1 }
    ]);
    // A PDF's text is what the supplier typed: a bracket that does not close is no part number there.
    expect(parseTextLayer(layer).lines.map((l) => l.supplier_part)).toEqual([null, 'UWV819-C79']);
  });

  it('reads a bracketed part whose opening bracket OCR read as a 1 ("173483071) Panel"), marked for checking', () => {
    const layer = one(
      ...[w('Description', 40, 100), w('Quantity', 400, 100)],
      ...[w('173483071) LED Panel 40 W', 40, 120), w('2.00', 405, 120)],
      ...[w('1 x Spring pin)', 40, 140), w('4.00', 405, 140)]
    );
    const lines = parseTextLayer(layer, { ocr: true }).lines;
    expect(lines).toMatchObject([
      { supplier_part: '73483071', description: 'LED Panel 40 W', qty: 2 },
      { supplier_part: null, qty: 4 }
    ]);
    expect(lines[0].confidence).toBeLessThan(UNSURE);
  });

  it('takes a quantity OCR joined to the unit beside it ("24M") as the quantity', () => {
    const layer = one(
      ...[w('Artikelnr.', 40, 100), w('Omschrijving', 140, 100), w('Aantal', 380, 100), w('Eenheid', 440, 100)],
      ...[w('453.608.78', 40, 120), w('Copper pipe', 140, 120), w('24M', 425, 120)],
      ...[w('255.567.04', 40, 135), w('LED panel', 140, 135), w('6', 420, 135), w('SET', 440, 135)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines).toMatchObject([
      { supplier_part: '453.608.78', qty: 24, unit: 'M' },
      { supplier_part: '255.567.04', qty: 6, unit: 'SET' }
    ]);
  });

  it('gives a part number OCR misread by look-alikes the shape the others share, and marks it for checking', () => {
    const parts = ['BJG577-v4s', 'KVR718-235', 'JBVS36-E20', 'THJ383-L89', 'SEA149-H31', 'RDA774-C91', 'FIS89-B67'];
    const layer = one(
      ...[w('Part', 40, 100), w('Description', 140, 100), w('Qty', 400, 100)],
      ...parts.flatMap((p, i) => [
        w(p, 40, 120 + 15 * i),
        w('Beeswax XL', 140, 120 + 15 * i),
        w('4', 405, 120 + 15 * i)
      ])
    );
    const lines = parseTextLayer(layer, { ocr: true }).lines;
    expect(lines.map((l) => l.supplier_part)).toEqual([
      'BJG577-V45',
      'KVR718-Z35',
      'JBV536-E20',
      'THJ383-L89',
      'SEA149-H31',
      'RDA774-C91',
      'FIS89-B67' // J read as I keeps the shape: nothing says it is wrong
    ]);
    // A swap is a guess: the line is marked for checking (below UNSURE).
    expect(lines.map((l) => l.confidence)).toEqual([0.75, 0.75, 0.75, 1, 1, 1, 1]);
    expect(lines.filter((l) => l.confidence < UNSURE)).toHaveLength(3);
    // A PDF's text is left as it is.
    expect(parseTextLayer(layer).lines[1].supplier_part).toBe('KVR718-235');
  });

  it("does not take a labelled field just above the header for the header's first line", () => {
    // OCR's boxes are tall: "Pedido n* P97928464" sits within two line heights of the header; merged into it, its
    // cell hid the part column and every line lost its part number. "n*" is OCR's "n°".
    const layer = one(
      { s: 'Pedido n* P97928464', x: 48, y: 103, w: 79, h: 16 },
      ...[w('Codigo', 49, 130), w('Descripcion', 129, 130), w('Cantidad', 308, 130)].map((i) => ({ ...i, h: 16 })),
      ...[w('158.854.29', 52, 147), w('Pneumatic fitting', 131, 147), w('10', 346, 147)].map((i) => ({ ...i, h: 18 }))
    );
    const slip = parseTextLayer(layer, { ocr: true });
    expect(slip.po_number).toBe('P97928464');
    expect(slip.lines).toMatchObject([{ supplier_part: '158.854.29', qty: 10 }]);
  });

  it("gives a separator OCR read as a space the column's own, and small letters in a code capitals", () => {
    const layer = one(
      ...[w('Code', 40, 100), w('Description', 140, 100), w('Qty', 400, 100)],
      ...[w('158 854.29', 40, 120), w('Beeswax XL', 140, 120), w('5', 405, 120)],
      ...[w('341.667 80', 40, 135), w('Hose', 140, 135), w('6', 405, 135)],
      ...[w('R1654xp', 40, 150), w('Seal kit', 140, 150), w('7', 405, 150)]
    );
    expect(parseTextLayer(layer, { ocr: true }).lines.map((l) => l.supplier_part)).toEqual([
      '158.854.29',
      '341.667.80',
      'R1654XP'
    ]);
  });

  it('marks a line whose part or quantity OCR was unsure of for checking', () => {
    const unsure = w('25', 405, 135);
    const layer = one(
      ...[w('Code', 40, 100), w('Description', 140, 100), w('Qty', 400, 100)],
      ...[w('AB-1234', 40, 120), w('Beeswax XL', 140, 120), w('5', 405, 120)],
      ...[w('AB-5678', 40, 135), w('Hose', 140, 135), unsure]
    );
    const lines = parseTextLayer(layer, { ocr: true, unsure: (i) => i === unsure }).lines;
    expect(lines.map((l) => l.confidence < UNSURE)).toEqual([false, true]);
  });
});

// Every kind the generator knows, drawn from the unit tests' seed; the bench draws them from other seeds.
describe('parseTextLayer on the generated corpus', async () => {
  const corpus = await buildCorpus(1);
  it('has every kind', () => expect(corpus.map((c) => c.truth.kind)).toEqual([...KINDS]));
  it('is the same for the same seed, and another for another seed', async () => {
    const again = await buildCorpus(1);
    expect(again.map((c) => Buffer.from(c.bytes).toString('base64'))).toEqual(
      corpus.map((c) => Buffer.from(c.bytes).toString('base64'))
    );
    expect((await buildCorpus(2))[0].truth).not.toEqual(corpus[0].truth);
  });
  it.each(corpus.map((c) => [c.truth.name, c] as const))('reads %s', (_name, c) => {
    const score = scoreSlip(c.truth, parseTextLayer(c.layer));
    expect(score).toEqual({
      lines: c.truth.lines.length,
      right: c.truth.lines.length,
      spurious: 0,
      slipRight: true,
      poRight: true,
      supplierRight: true,
      dateRight: true
    });
  });
});
