/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Precaches the whole built app, so a tablet that starts with no network still opens the station. Pages are the
// one app shell; /api is never cached (scans live in IndexedDB, never in a cache). A new version installs beside the
// old one and waits until the page says the worker tapped "Reload".
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `linesync-${version}`;
const SHELL = '/index.html';
/** Pages prerendered to their own HTML (/station: the shell with its chunks named up front, issue 18). */
const PAGES = new Set(prerendered);
const ASSETS = [...new Set([...build, ...files, ...prerendered, SHELL])];

sw.addEventListener('install', (event) => {
  // cache: 'reload' skips the HTTP cache, so the new version never precaches an old file.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: 'reload' }))))
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return; // straight to the network
  event.respondWith(respond(req, url));
});

async function respond(req: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE);
  if (req.mode === 'navigate') {
    // Every page of the app is the same shell (or a prerendered copy of it): answer from the cache at once,
    // whatever the network does.
    const shell = (PAGES.has(url.pathname) && (await cache.match(url.pathname))) || (await cache.match(SHELL));
    if (shell) return shell;
    return fetch(req);
  }
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  return fetch(req);
}
