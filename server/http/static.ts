// The built PWA: files from build/, each in the compressed form the browser accepts where the build wrote one
// (adapter-static's precompress: .br and .gz beside every text file), and the app shell for every other path.
// A tablet on the plant's Wi-Fi, or a phone on 4G, fetches about a quarter of the bytes (measured on the station's
// first load: npm run bench -- lighthouse). Hashed files under /_app/immutable/ never change: cached for a year.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env } from './auth';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function serveBuild(app: Hono<Env>, root: string): void {
  app.use('/_app/immutable/*', async (c, next) => {
    await next();
    // Not the shell answered for a hashed file that is missing (an old tab asking for a chunk of the last build).
    if (c.res.ok && !c.res.headers.get('content-type')?.startsWith('text/html')) c.header('cache-control', IMMUTABLE);
  });
  app.use('/*', serveStatic({ root, precompressed: true }));
  // A page prerendered to its own HTML (build/station.html for /station: the same shell, with its chunks named up
  // front, src/routes/station/+page.ts) gets that file. Only letters, digits, '-', '_' and '/' reach the disk.
  app.get('/*', (c, next) => {
    const page = c.req.path.slice(1);
    if (!/^[\w-]+(\/[\w-]+)*$/.test(page) || !existsSync(join(root, `${page}.html`))) return next();
    return serveStatic({ root, path: `${page}.html`, precompressed: true })(c, next);
  });
  // The PWA routes on the client: every other page path gets the app shell.
  app.get('/*', serveStatic({ root, path: 'index.html', precompressed: true }));
}
