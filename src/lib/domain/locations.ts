// Locations as supervisors create and rename them.
import { z } from 'zod';
import { locationId } from './events';

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

export const locationCreateSchema = z.strictObject({ location_id: locationId, name });
export const locationRenameSchema = z.strictObject({ name, version: z.number().int().positive() });
