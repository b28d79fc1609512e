import { describe, expect, it } from 'vitest';
import {
  coordinatesProblem,
  parseSupplierCell,
  parseSuppliersCsv,
  suppliersSaveSchema,
  suppliersTemplate
} from './suppliers';

const row = (over: Record<string, unknown> = {}) => ({
  supplier_id: 'ACME',
  name: 'Acme',
  contact: '',
  lead_time_days: 5,
  address: '',
  latitude: null,
  longitude: null,
  active: true,
  version: 1,
  ...over
});

describe('supplier cells', () => {
  it('reads lead times as whole days, coordinates as decimals (a decimal comma too), active as yes/no', () => {
    expect(parseSupplierCell('lead_time_days', ' 14 ')).toEqual({ ok: true, value: 14 });
    expect(parseSupplierCell('lead_time_days', '2.5')).toEqual({
      ok: false,
      message: 'must be a whole number of days'
    });
    expect(parseSupplierCell('lead_time_days', '-1')).toEqual({ ok: false, message: 'must be 0 or more' });
    expect(parseSupplierCell('lead_time_days', '')).toEqual({ ok: false, message: 'must not be empty' });
    expect(parseSupplierCell('latitude', '52,37')).toEqual({ ok: true, value: 52.37 });
    expect(parseSupplierCell('latitude', '')).toEqual({ ok: true, value: null });
    expect(parseSupplierCell('longitude', '181')).toEqual({ ok: false, message: 'must be between -180 and 180' });
    expect(parseSupplierCell('latitude', 'north')).toEqual({ ok: false, message: 'must be a number' });
    expect(parseSupplierCell('active', 'no')).toEqual({ ok: true, value: false });
    expect(parseSupplierCell('name', '  ')).toEqual({ ok: false, message: 'must not be empty' });
    expect(parseSupplierCell('contact', 'a\u0007b').ok).toBe(false);
  });

  it('wants both coordinates or neither', () => {
    expect(coordinatesProblem(null, null)).toBeNull();
    expect(coordinatesProblem(1, 2)).toBeNull();
    expect(coordinatesProblem(0, null)).toMatch(/longitude too/);
    expect(coordinatesProblem(null, 0)).toMatch(/latitude too/);
  });
});

describe('suppliersSaveSchema', () => {
  it('takes edited and new rows, refuses half coordinates, repeated ids and repeated names', () => {
    expect(
      suppliersSaveSchema.safeParse({ rows: [row(), row({ supplier_id: 'NEW', name: 'New one', version: null })] })
        .success
    ).toBe(true);
    const half = suppliersSaveSchema.safeParse({ rows: [row({ latitude: 10 })] });
    expect(half.success).toBe(false);
    expect(half.error!.issues[0].path).toEqual(['rows', 0, 'longitude']);
    expect(suppliersSaveSchema.safeParse({ rows: [row(), row()] }).success).toBe(false);
    expect(suppliersSaveSchema.safeParse({ rows: [row(), row({ supplier_id: 'B', name: 'ACME' })] }).success).toBe(
      false
    );
    expect(suppliersSaveSchema.safeParse({ rows: [row({ extra: 1 })] }).success).toBe(false);
  });
});

describe('parseSuppliersCsv', () => {
  it('reads the template back', () => {
    const file = parseSuppliersCsv(suppliersTemplate());
    expect(file.errors).toEqual([]);
    expect(file.rows).toEqual([
      {
        supplier_id: 'ACME',
        name: 'Acme Industrial Supply',
        contact: 'orders@acme.example',
        lead_time_days: 5,
        address: '1 Main St, Springfield',
        latitude: 52.37,
        longitude: 4.89,
        active: true,
        row: 2
      }
    ]);
  });

  it('lists every error with its row and column', () => {
    const csv = 'supplier_id;name;lead_time_days;latitude;longitude\nA;Alpha;3;;\nA;Beta;x;10;\n;alpha;-2;;\n';
    expect(parseSuppliersCsv(csv).errors).toEqual([
      { row: 3, column: 'supplier_id', message: 'A is also on row 2' },
      { row: 3, column: 'lead_time_days', message: 'must be a whole number of days' },
      { row: 3, column: 'longitude', message: 'give the longitude too, or clear the latitude' },
      { row: 4, column: 'supplier_id', message: 'must not be empty' },
      { row: 4, column: 'lead_time_days', message: 'must be 0 or more' },
      { row: 4, column: 'name', message: '"alpha" is also on row 2' }
    ]);
  });

  it('refuses a header with unknown or lone columns and keeps the columns a file leaves out', () => {
    expect(parseSuppliersCsv('supplier_id,colour\nA,red\n').errors).toEqual([
      { row: 1, column: 'colour', message: expect.stringMatching(/^unknown column/) }
    ]);
    expect(parseSuppliersCsv('supplier_id,latitude\nA,1\n').errors[0]).toMatchObject({ row: 1, column: 'latitude' });
    expect(parseSuppliersCsv('name\nA\n').errors).toEqual([
      { row: 1, column: 'supplier_id', message: 'the header must name the supplier_id column' }
    ]);
    const only = parseSuppliersCsv('supplier_id,lead_time_days\r\nA,4\r\n');
    expect(only).toEqual({
      columns: ['lead_time_days'],
      rows: [{ supplier_id: 'A', lead_time_days: 4, row: 2 }],
      errors: []
    });
  });
});
