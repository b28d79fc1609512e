// What a hostile web page can make a supervisor's browser do, refused before any handler runs:
// - a write from another site (a plain HTML form or fetch posts text/plain or a CSV without a preflight, and the
//   browser adds the supervisor's session): refused when Sec-Fetch-Site or Origin says the request is cross-site;
// - DNS rebinding (a foreign name that resolves to 127.0.0.1 reads the local API as same-origin): in local mode only
//   the configured host names, and addresses, are answered.
// Requests without these headers (curl, the tablet's own fetches in old browsers, tests) pass: browsers always send
// them on the cross-site requests this is about.
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config';
import { errorBody } from './errors';

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
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host;
    if (config.AUTH_MODE === 'local' && !hosts.has(hostName(host)) && !isIpLiteral(hostName(host)))
      return refuse(
        421,
        'host_not_allowed',
        `This server answers only ${[...hosts].join(', ')}; add "${hostName(host)}" to ALLOWED_HOSTS to allow it.`
      );
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

const KiB = 1024;
const MiB = 1024 * KiB;
/** The JSON a form, a signal or an order sends. */
export const DEFAULT_BODY_BYTES = 256 * KiB;
/** A grid save or a slip's lines: a few thousand rows. */
export const GRID_BODY_BYTES = 2 * MiB;

/** Routes that size their own body (the push, the CSV imports, the slip upload) and keep their own 413 text. */
function ownLimit(method: string, path: string): boolean {
  if (method !== 'POST') return false;
  return (
    path === '/api/sync/events' ||
    path === '/api/packing-slips' ||
    path === '/api/packing-slips/' ||
    /^\/api\/(items|suppliers|supplier-items)\/import\/?$/.test(path)
  );
}

/** The most bytes a route reads, or undefined when the route limits its body itself. */
export function bodyLimitOf(method: string, path: string): number | undefined {
  if (!UNSAFE.has(method) || ownLimit(method, path)) return undefined;
  if (method === 'PATCH' && /^\/api\/items\/?$/.test(path)) return GRID_BODY_BYTES;
  if (method === 'PUT' && /^\/api\/packing-slips\/[^/]+\/lines\/?$/.test(path)) return GRID_BODY_BYTES;
  return DEFAULT_BODY_BYTES;
}

/** Every write reads at most what its route needs: a declared Content-Length above it is a 413 before one byte is
 *  read, a chunked body is cut off when it passes it. The connection is closed after the refusal, since the rest of
 *  the body was never read and would otherwise be taken for the next request. */
export function boundedBodies() {
  const limiters = new Map<number, ReturnType<typeof bodyLimit>>();
  const limiter = (max: number) => {
    let l = limiters.get(max);
    if (!l) {
      l = bodyLimit({
        maxSize: max,
        onError: (c) => {
          c.header('connection', 'close');
          return c.json(errorBody('payload_too_large', `This request may carry at most ${max / KiB} KiB.`), 413);
        }
      });
      limiters.set(max, l);
    }
    return l;
  };
  return createMiddleware(async (c, next) => {
    const max = bodyLimitOf(c.req.method, c.req.path);
    if (max === undefined) return next();
    return limiter(max)(c, next);
  });
}
