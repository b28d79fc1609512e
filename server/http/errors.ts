// The API's error shape and the input checks every handler shares.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { describeIssues } from '#domain/events';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Every error leaves as `{error: {code, message, details?}}`; only our own faults are 500s, and they say nothing more. */
export function onError(err: Error, c: Context) {
  // A 413 is answered before the body was read: the rest of it must not be taken for the next request.
  if ((err instanceof ApiError || err instanceof HTTPException) && err.status === 413) c.header('connection', 'close');
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthenticated' : 'http_error';
    return c.json(errorBody(code, err.message || 'Request failed'), status as ContentfulStatusCode);
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, err);
  return c.json(errorBody('internal', 'The server failed to handle this request. It has been logged.'), 500);
}

function schemaError(error: z.ZodError, where: string): ApiError {
  return new ApiError(400, 'invalid_request', `Invalid ${where}: ${describeIssues(error)}`, {
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  });
}

/** Reads a JSON body and checks it against a schema: 415 for another content type, 400 for bad JSON or shape. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (e) {
    throw new ApiError(400, 'malformed_json', `The body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error, 'body');
  return parsed.data;
}

export function queryParams<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw schemaError(parsed.error, 'query');
  return parsed.data;
}

export const pageParams = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0)
};
