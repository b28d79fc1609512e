// Carton labels as keyboard-wedge scanners type them: every common transmission of GS, RS and EOT reads as the
// label itself, RS/EOT dropped are put back, GS dropped is refused with what to set.
import { describe, expect, it } from 'vitest';
import { parseBarcode } from './barcode';
import { EOT, fromKeyboard, parseEnvelope, RS } from './mh10';

const GS = '\u001d';
const FIELDS = ['PP-1001', '1PSUP-77', 'Q250', '1TLOT9', 'KPO-000123', '4K2', '11KPL55', '10D2547'];
const canonical = `[)>${RS}06${GS}${FIELDS.join(GS)}${RS}${EOT}`;
/** The label with each control character written as the scanner (or a document) writes it. */
const written = (gs: string, rs: string, eot: string) => `[)>${rs}06${gs}${FIELDS.join(gs)}${rs}${eot}`;

const read = (typed: string) => {
  const r = fromKeyboard(typed);
  if (!r || !r.ok) throw new Error(`expected a label, got ${JSON.stringify(r)}`);
  return r.text;
};

describe('carton labels typed by a keyboard wedge', () => {
  const forms: [string, string, string, string][] = [
    ['control characters (Ctrl+] Ctrl+^ Ctrl+D mapped, or pasted)', GS, RS, EOT],
    ['Unicode control pictures', '\u241d', '\u241e', '\u2404'],
    ['angle-bracket names', '<GS>', '<RS>', '<EOT>'],
    ['lower-case angle-bracket names', '<gs>', '<rs>', '<eot>'],
    ['brace names', '{GS}', '{RS}', '{EOT}'],
    ['caret notation', '^]', '^^', '^D'],
    ['Windows Alt+numpad OEM glyphs (Alt+29, Alt+30, Alt+4)', '\u2194', '\u25b2', '\u2666']
  ];
  for (const [name, gs, rs, eot] of forms)
    it(`reads ${name}`, () => {
      expect(read(written(gs, rs, eot))).toBe(canonical);
    });

  it('puts back a dropped EOT, a dropped closing RS and a dropped header RS', () => {
    expect(read(written(GS, RS, ''))).toBe(canonical);
    expect(read(`[)>${RS}06${GS}${FIELDS.join(GS)}`)).toBe(canonical);
    expect(read(`[)>06${GS}${FIELDS.join(GS)}`)).toBe(canonical);
    expect(read(`[)>06${GS}${FIELDS.join(GS)}${RS}`)).toBe(canonical);
  });

  it('drops the Enter/Tab the wedge ends with and leading blanks, never data', () => {
    expect(read(`  ${canonical}\r\n`)).toBe(canonical);
    expect(read(`${written('<GS>', '', '')}\t`)).toBe(canonical);
    const spaced = read(`[)>06${GS}PP-1${GS}1TLOT 9 `);
    expect(parseEnvelope(spaced)).toMatchObject({ ok: true, fields: { lot: 'LOT 9 ' } });
  });

  it('gives parseBarcode the same meaning as the printed label', () => {
    const expected = parseBarcode(canonical);
    for (const [, gs, rs, eot] of forms) expect(parseBarcode(read(written(gs, rs, eot)))).toEqual(expected);
    expect(expected).toMatchObject({
      ok: true,
      format: 'mh10',
      item_id: 'P-1001',
      supplier_part: 'SUP-77',
      qty: 250,
      lot: 'LOT9',
      po: 'PO-000123',
      po_line: '2',
      packing_list: 'PL55',
      date_code: '2547'
    });
  });

  it('refuses a label whose field separators were dropped, saying what to set', () => {
    const r = fromKeyboard(`[)>06${FIELDS.join('')}`);
    expect(r).toMatchObject({ ok: false });
    expect(r && !r.ok && r.error).toContain('without field separators (GS)');
    expect(fromKeyboard(`[)>${RS}06PP-1001${RS}${EOT}`)).toMatchObject({ ok: false });
  });

  it('is not a carton label without the [)> header', () => {
    for (const text of ['P-1001', 'ITEM=P-1;QTY=2', `]d2${GS}0109506000134352`, '', '[)', '(01)09506000134352'])
      expect(fromKeyboard(text)).toBeNull();
  });

  it('leaves the camera rule alone: a decoded label without EOT is still a cut-short read', () => {
    expect(parseEnvelope(written(GS, RS, ''))).toMatchObject({ ok: false });
    expect(parseBarcode(written(GS, RS, ''))).toMatchObject({ ok: false });
  });
});
