// Locations as supervisors create and edit them: a name, and where the location is (both coordinates or neither, as
// for suppliers) so the dashboard can put it on its map.
import { z } from 'zod';
import { decimalText } from './csv';
import { locationId } from './events';
import { coordinatesProblem } from './suppliers';

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

const latitude = z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90').nullable();
const longitude = z
  .number()
  .min(-180, 'must be between -180 and 180')
  .max(180, 'must be between -180 and 180')
  .nullable();

/** Coordinates come as a pair: both given (a number each, or null each to clear them) or neither (left as they are). */
const pair = (v: { latitude?: number | null; longitude?: number | null }, ctx: z.RefinementCtx) => {
  if (v.latitude === undefined && v.longitude === undefined) return;
  const problem =
    v.latitude === undefined || v.longitude === undefined
      ? 'latitude and longitude come as a pair: give both'
      : coordinatesProblem(v.latitude, v.longitude);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      path: [v.latitude === undefined || v.latitude === null ? 'latitude' : 'longitude'],
      message: problem
    });
};

export const locationCreateSchema = z
  .strictObject({ location_id: locationId, name, latitude: latitude.optional(), longitude: longitude.optional() })
  .superRefine(pair);
export const locationRenameSchema = z
  .strictObject({
    name,
    version: z.number().int().positive(),
    latitude: latitude.optional(),
    longitude: longitude.optional()
  })
  .superRefine(pair);

/** A coordinate as typed in a form: empty is none, a comma may be the decimal mark; anything else is not a number. */
export function coordinateText(text: string): number | null {
  return text.trim() === '' ? null : decimalText(text);
}
