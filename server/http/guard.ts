// What a hostile web page can make a supervisor's browser do, refused before any handler runs:
// - a write from another site (a plain HTML form or fetch posts text/plain or a CSV without a preflight, and the
//   browser adds the supervisor's session): refused when Sec-Fetch-Site or Origin says the request is cross-site;
// - DNS rebinding (a foreign name that resolves to 127.0.0.1 reads the local API as same-origin): in local mode only
//   the configured host names, and addresses, are answered.
// Requests without these headers (curl, the tablet's own fetches in old browsers, tests) pass: browsers always send
// them on the cross-site requests this is about.
// - and, should a browser leave them out, a write a plain HTML form could send (text/plain, a CSV, a multipart form,
//   no body at all) is refused too: each route takes JSON, or its file type with a header only our client sends;
// - every write reads at most the bytes its route declares.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { CLIENT_HEADER } from '#domain/client-header';
import type { Config } from '../config';
import type { RouteDoc } from '../openapi';
import { errorBody } from './errors';
import { compileRoutes, routeFor } from './roles';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host names a local server answers: loopback, its HOST, and ALLOWED_HOSTS. */
export function allowedHosts(config: Config): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]', ...config.ALLOWED_HOSTS]);
  if (config.HOST && config.HOST !== '0.0.0.0' && config.HOST !== '::') hosts.add(config.HOST.toLowerCase());
  return hosts;
}

/** The host name of a Host header value, without its port ("[::1]:8000" -> "[::1]"). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function sameSiteOnly(config: Config) {
  const hosts = allowedHosts(config);
  return createMiddleware(async (c, next) => {
    const refuse = (status: 403 | 421, code: string, message: string) => {
      c.header('connection', 'close'); // the body, if any, was not read
      return c.json(errorBody(code, message), status);
    };
    const direct = c.req.header('host') ?? new URL(c.req.url).host;
    const forwarded = c.req.header('x-forwarded-host');
    // The host the browser sees: a reverse proxy's forwarded name, else the Host itself.
    const host = forwarded ?? direct;
    if (config.AUTH_MODE === 'local') {
      // Both names are checked: a rebinding page is same-origin to its browser and may set X-Forwarded-Host to an
      // allowed name on its own fetches, while its Host stays the attacker's.
      const foreign = [direct, forwarded]
        .filter((h): h is string => h !== undefined)
        .map(hostName)
        .find((h) => !hosts.has(h) && !isIpLiteral(h));
      if (foreign !== undefined)
        return refuse(
          421,
          'host_not_allowed',
          `This server answers only ${[...hosts].join(', ')}; add "${foreign}" to ALLOWED_HOSTS to allow it.`
        );
    }
    if (UNSAFE.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site');
      if (site && site !== 'same-origin' && site !== 'none')
        return refuse(403, 'cross_site', `A ${site} request may not change data.`);
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameHost(origin, host))
        return refuse(403, 'cross_site', `A request from ${origin} may not change data here.`);
    }
    await next();
  });
}

/** An address, not a name: a rebinding page needs a name of its own that resolves here, so an address (a tablet on
 *  the LAN reaching a server started with HOST=0.0.0.0) is never one. */
export function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
}

/** What a write may carry is declared once, in ROUTES; a path no route serves gets its 404 without being read. */
function routeRules(routes: RouteDoc[]) {
  const rules = compileRoutes(routes);
  return (method: string, path: string) => (UNSAFE.has(method) ? routeFor(rules, method, path) : undefined);
}

const isJson = (type: string) => /^application\/json\s*(;|$)/i.test(type);
const isCsv = (type: string) => /^(text\/csv|application\/csv)\s*(;|$)/i.test(type);
const isMultipart = (type: string) => /^multipart\/form-data\s*;/i.test(type);

/**
 * A write a plain HTML form could have made is refused before its handler runs, with nothing read or changed: each
 * route takes JSON, or its file type together with CLIENT_HEADER (see BodyKind in openapi.ts). 415 for a content
 * type the route does not take; 403 for a missing CLIENT_HEADER. Runs after the identity and role checks, so a
 * caller without them still learns that first.
 */
export function formsRefused(routes: RouteDoc[]) {
  const routeOf = routeRules(routes);
  return createMiddleware(async (c, next) => {
    const doc = routeOf(c.req.method, c.req.path);
    if (!doc) return next();
    const type = c.req.header('content-type')?.trim() ?? '';
    const fromClient = (c.req.header(CLIENT_HEADER)?.trim() ?? '') !== '';
    const refuse = (status: 403 | 415, code: string, message: string) => {
      c.header('connection', 'close'); // the body, if any, was not read
      return c.json(errorBody(code, message), status);
    };
    const withHeader = `with the header ${CLIENT_HEADER}: 1 (a page of another site cannot send it)`;
    switch (doc.accepts ?? 'json') {
      case 'json':
        if (!isJson(type))
          return refuse(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
        break;
      case 'csv':
        if (!isCsv(type)) return refuse(415, 'unsupported_media_type', `Send the file as text/csv, ${withHeader}.`);
        if (!fromClient) return refuse(403, 'client_header_required', `Send the file ${withHeader}.`);
        break;
      case 'multipart':
        if (!isMultipart(type))
          return refuse(415, 'unsupported_media_type', `Send the upload as multipart/form-data, ${withHeader}.`);
        if (!fromClient) return refuse(403, 'client_header_required', `Send the upload ${withHeader}.`);
        break;
      case 'none':
        if (!fromClient && !isJson(type))
          return refuse(403, 'client_header_required', `Send this request ${withHeader}, or with a JSON body.`);
        break;
    }
    await next();
  });
}

const KiB = 1024;

const sizeOf = (bytes: number) =>
  bytes >= 1024 * KiB && bytes % (1024 * KiB) === 0 ? `${bytes / 1024 / KiB} MiB` : `${Math.ceil(bytes / KiB)} KiB`;

/** Every write reads at most the maxBytes its route declares in ROUTES: a declared Content-Length above it is a 413
 *  before one byte is read, a chunked body is cut off as it passes it. The connection is closed after the refusal,
 *  since the rest of the body was never read and would otherwise be taken for the next request. */
export function boundedBodies(routes: RouteDoc[]) {
  const routeOf = routeRules(routes);
  const limiters = new Map<RouteDoc, MiddlewareHandler>();
  const limiter = (doc: RouteDoc, max: number) => {
    let l = limiters.get(doc);
    if (!l) {
      const message = doc.tooLarge ?? `This request may carry at most ${sizeOf(max)} (${max} bytes).`;
      l = bodyLimit({
        maxSize: max,
        onError: (c) => {
          c.header('connection', 'close');
          return c.json(errorBody('payload_too_large', message), 413);
        }
      });
      limiters.set(doc, l);
    }
    return l;
  };
  return createMiddleware(async (c, next) => {
    const doc = routeOf(c.req.method, c.req.path);
    if (doc?.maxBytes === undefined) return next();
    return limiter(doc, doc.maxBytes)(c, next);
  });
}

const carriesBody = (headers: Headers) =>
  Number(headers.get('content-length') ?? 0) > 0 || headers.has('transfer-encoding');

/**
 * An error answer to a request that carried a body closes the connection. The body may not have been read (an
 * identity or role refusal, a 404, a handler that refused before it read), and @hono/node-server then drains it for
 * at most 500 ms or 64 MB before it drops the socket without a word: a client that reused the connection saw its
 * next request fail with "socket hang up". A closed connection costs the client a new one, on an error only.
 */
export function closeAfterRefusal() {
  return createMiddleware(async (c, next) => {
    await next();
    if (c.res.status < 400 || !carriesBody(c.req.raw.headers)) return;
    try {
      c.res.headers.set('connection', 'close');
    } catch {
      // A response with immutable headers (one passed through from fetch): copied with the header.
      const headers = new Headers(c.res.headers);
      headers.set('connection', 'close');
      c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
    }
  });
}
