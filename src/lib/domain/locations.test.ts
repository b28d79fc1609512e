import { describe, expect, it } from 'vitest';
import { coordinateText, locationCreateSchema, locationRenameSchema } from './locations';

describe('location coordinates', () => {
  it('takes both, neither, or both null; each in range', () => {
    const ok = (v: object) => locationRenameSchema.safeParse({ name: 'Dock', version: 1, ...v }).success;
    expect(ok({})).toBe(true);
    expect(ok({ latitude: -90, longitude: 180 })).toBe(true);
    expect(ok({ latitude: null, longitude: null })).toBe(true);
    expect(ok({ latitude: 90.01, longitude: 0 })).toBe(false);
    expect(ok({ latitude: 0, longitude: -180.01 })).toBe(false);
    expect(ok({ latitude: 10 })).toBe(false);
    expect(ok({ latitude: null, longitude: 4 })).toBe(false);
    const half = locationCreateSchema.safeParse({ location_id: 'D', name: 'Dock', latitude: 1, longitude: null });
    expect(half.success || half.error.issues[0]).toMatchObject({
      path: ['longitude'],
      message: 'give the longitude too, or clear the latitude'
    });
  });

  it('reads a typed coordinate: empty is none, a decimal comma is a point, words are not numbers', () => {
    expect(coordinateText(' ')).toBeNull();
    expect(coordinateText('52,37')).toBe(52.37);
    expect(coordinateText('-4.5')).toBe(-4.5);
    expect(coordinateText('north')).toBeNaN();
  });
});
