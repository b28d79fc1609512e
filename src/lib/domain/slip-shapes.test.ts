import { describe, expect, it } from 'vitest';
import { alignShapes } from './slip-shapes';

const values = (xs: (string | null)[]) => alignShapes(xs).map((a) => a.value);

describe('alignShapes', () => {
  it('swaps look-alikes in a value whose shape differs from the one the others share', () => {
    expect(values(['KVR718-235', 'THJ383-L89', 'SEA149-H31', 'RDA774-C91'])[0]).toBe('KVR718-Z35');
    expect(values(['S7325ZB', 'A5034XZ', 'H1632NE', 'HI632NE'])[3]).toBe('H1632NE');
    expect(values(['653.106.65', '434-835.92', '878.396.27'])[1]).toBe('434.835.92');
  });

  it("reads a J OCR gave as a closing bracket, and a bar for I or 1, by the column's shape", () => {
    const column = ['N3308C)', 'E1995DJ', 'B9940CV', 'K2951CT'];
    expect(values(column)[0]).toBe('N3308CJ');
    expect(values(['H|632NE', 'A5034XZ', 'S7325ZB'])[0]).toBe('H1632NE');
  });

  it("reads an L OCR split into '1.' by the column's shape", () => {
    const column = ['FRE666-1.79', 'JZW358-L25', 'SEA149-H31', 'RDA774-C91'];
    expect(alignShapes(column)[0]).toEqual({ value: 'FRE666-L79', changed: true });
    expect(values(['THI383.1.89', 'FRE666-L79', 'SEA149-H31', 'RDA774-C91'])[0]).toBe('THI383-L89');
  });

  it("puts back a separator OCR dropped, by the column's shape", () => {
    const column = ['974918.80', '771.809.84', '327.483.49', '155.896.78'];
    expect(alignShapes(column)[0]).toEqual({ value: '974.918.80', changed: true });
  });

  it('leaves values that fit, letters misread as letters, and nulls alone', () => {
    const xs = ['FIS89-B67', 'THJ383-L89', null, 'SEA149-H31'];
    expect(alignShapes(xs)).toEqual(xs.map((value) => ({ value, changed: false })));
  });

  it('changes nothing when the others share no shape, or two readings fit as well', () => {
    // Mixed formats (a distributor's slip): no shape is most of them.
    expect(values(['AB-12', '6204-2RS', 'NU206', 'X5'])).toEqual(['AB-12', '6204-2RS', 'NU206', 'X5']);
    // "1" could be I or J or L: no one reading is best.
    expect(values(['ZXR58-19', 'THJ383-L89', 'SEA149-H31'])[0]).toBe('ZXR58-19');
    // Two values are too few to say what the shape is.
    expect(values(['KVR718-235', 'THJ383-L89'])).toEqual(['KVR718-235', 'THJ383-L89']);
  });

  it('reads lower-case letters as capitals when the column has none', () => {
    expect(values(['BJG577-v4s', 'THJ383-L89', 'SEA149-H31', 'RDA774-C91'])[0]).toBe('BJG577-V45');
    expect(values(['ab-12', 'cd-34', 'ef-56'])).toEqual(['ab-12', 'cd-34', 'ef-56']);
  });
});
