// The supervisor console's calls to /api: JSON in and out, the server's {error:{code,message,details}} as an Error.
// An answer the page reads is parsed by its schema (src/lib/domain/responses.ts), never cast: a wrong shape is an
// ApiCallError saying where.
import type { z } from 'zod';
import { CLIENT_HEADERS } from '../domain/client-header';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message);
  }
}

type Init = RequestInit & { json?: unknown };

export async function api<S extends z.ZodType>(path: string, init: Init & { schema: S }): Promise<z.infer<S>>;
/** A call whose answer the page does not read (a save answered by a reload): nothing to cast it to. */
export async function api(path: string, init?: Init): Promise<unknown>;
export async function api(path: string, init: Init & { schema?: z.ZodType } = {}): Promise<unknown> {
  const { json, schema, ...rest } = init;
  const res = await fetch(path, {
    ...rest,
    // The client header on every call: a body-less action (acknowledge, fulfil) is taken only with it.
    headers: {
      ...CLIENT_HEADERS,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(rest.headers ?? {})
    },
    body: json === undefined ? rest.body : JSON.stringify(json)
  });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const err = body?.error;
    throw new ApiCallError(
      res.status,
      err?.code ?? 'http_error',
      err?.message ?? `${res.status} ${res.statusText}`,
      err?.details
    );
  }
  const body: unknown = await res.json();
  if (!schema) return body;
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new ApiCallError(
    res.status,
    'bad_answer',
    `The server's answer to ${path.split('?')[0]} is not what this page reads (${first.path.join('.') || 'answer'}: ${first.message}).`
  );
}

/** Query string from the set values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
