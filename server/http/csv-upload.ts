// What every CSV import route does before it reads a row (its size limit and content type are declared in ROUTES and
// checked in guard.ts): UTF-8 text, and the 422 that lists a file's errors by row and column. The item and the
// purchasing imports share it so they answer alike.
import type { Context } from 'hono';
import type { CsvError } from '#domain/csv';
import type { Env } from './auth';
import { ApiError } from './errors';

/** Enough to point at every error in a file a person will fix, without answering with another huge file. */
const MAX_ERRORS_LISTED = 10_000;

/** The request body as UTF-8 CSV text, or the 4xx that says why not. */
export async function csvText(c: Context<Env>): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(text\/csv|application\/csv)\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'Send the file as text/csv.'); // as formsRefused checked
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_csv', 'The file is not UTF-8 text: save it as "CSV UTF-8".');
  }
}

/** The 422 for a file with errors (in the order given); nothing was written. */
export function invalidCsv(errors: CsvError[]): ApiError {
  return new ApiError(422, 'invalid_csv', `The file has ${errors.length} error(s); nothing was written.`, {
    errors: errors.slice(0, MAX_ERRORS_LISTED),
    total: errors.length
  });
}
