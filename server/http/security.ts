// Security headers on every response: a Content-Security-Policy that allows no inline script except the SvelteKit
// bootstrap in the built index.html (allowed by its sha256, computed at start), no framing of the app, no MIME
// sniffing, no referrer leaving the site.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 sources for each inline <script> (one without src) in the page, as CSP wants them. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1])) continue;
    hashes.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** The HTML pages of a build: index.html and the prerendered ones, not the files under _app/. */
function builtPages(buildDir: string): string[] {
  return readdirSync(buildDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && !f.startsWith('_app'))
    .map((f) => join(buildDir, f));
}

/** The origin a dashboard embed may be framed from: an https URL, or the server does not start. */
function embedOrigin(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`DASHBOARD_EMBED_URL is not a URL: ${url}`);
  }
  if (u.protocol !== 'https:') throw new Error(`DASHBOARD_EMBED_URL must be an https URL: ${url}`);
  return u.origin;
}

export function contentSecurityPolicy(opts: { scriptHashes: string[]; dashboardEmbedUrl?: string }): string {
  const frame = opts.dashboardEmbedUrl ? embedOrigin(opts.dashboardEmbedUrl) : "'none'";
  return [
    "default-src 'self'",
    `script-src 'self' ${opts.scriptHashes.join(' ')}`.trim(),
    // Svelte writes style attributes (transitions, widths): inline styles, never inline script.
    "style-src 'self' 'unsafe-inline'",
    // Slip photos and rendered PDF pages are shown from blob: URLs; icons may be data: URLs.
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    `frame-src ${frame}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join('; ');
}

/** Wraps the app's fetch so every response carries the headers. The policy follows the built pages: computed at
 *  start, and again when a new build replaces index.html (its inline bootstrap changes with every build). */
export function withSecurityHeaders<A extends unknown[]>(
  fetchApp: (req: Request, ...rest: A) => Response | Promise<Response>,
  opts: { buildDir: string; dashboardEmbedUrl?: string }
): (req: Request, ...rest: A) => Promise<Response> {
  const index = join(opts.buildDir, 'index.html');
  let builtAt = -1;
  let headers: Record<string, string> = {};
  const current = () => {
    const mtime = existsSync(index) ? statSync(index).mtimeMs : 0;
    if (mtime !== builtAt) {
      builtAt = mtime;
      // index.html and each page prerendered beside it (build/station.html): the same bootstrap today
      // (svelte.config.js), but a page whose script differs is still allowed to run it.
      const pages = mtime ? builtPages(opts.buildDir) : [];
      const scriptHashes = [...new Set(pages.flatMap((p) => inlineScriptHashes(readFileSync(p, 'utf8'))))];
      headers = {
        'content-security-policy': contentSecurityPolicy({ scriptHashes, dashboardEmbedUrl: opts.dashboardEmbedUrl }),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
        'permissions-policy': 'camera=(self), microphone=(), geolocation=()'
      };
    }
    return headers;
  };
  current(); // a bad DASHBOARD_EMBED_URL stops the start, not the first request
  return async (req: Request, ...rest: A) => {
    let res = await fetchApp(req, ...rest);
    const set = Object.entries(current());
    try {
      for (const [k, v] of set) res.headers.set(k, v);
    } catch {
      // A response with immutable headers: copy it once.
      res = new Response(res.body, res);
      for (const [k, v] of set) res.headers.set(k, v);
    }
    return res;
  };
}
