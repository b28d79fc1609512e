import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Env } from './auth';
import { serveBuild } from './static';

/** A build as adapter-static writes it with precompress: each text file with a .br and a .gz beside it. */
function build() {
  const dir = mkdtempSync(join(tmpdir(), 'linesync-static-'));
  mkdirSync(join(dir, '_app/immutable/chunks'), { recursive: true });
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>LineSync</title>',
    '_app/immutable/chunks/a1b2.js': 'export const x = 1;'.repeat(50),
    'manifest.webmanifest': '{"name":"LineSync"}',
    'station.html': '<!doctype html><title>LineSync</title><link rel="modulepreload" href="/_app/s.js">'
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, name + '.br'), brotliCompressSync(text));
    writeFileSync(join(dir, name + '.gz'), gzipSync(text));
  }
  const app = new Hono<Env>();
  serveBuild(app, dir);
  return { app, files };
}

describe('the built app', () => {
  it('sends the compressed file the browser accepts, and the plain one to a client that accepts none', async () => {
    const { app, files } = build();
    const js = '/_app/immutable/chunks/a1b2.js';
    const br = await app.request(js, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    const sent = Buffer.from(await br.arrayBuffer());
    expect(sent.length).toBeLessThan(files['_app/immutable/chunks/a1b2.js'].length / 4);

    const gz = await app.request(js, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');

    const plain = await app.request(js);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(files['_app/immutable/chunks/a1b2.js']);
  });

  it('caches the hashed files for a year, and nothing else', async () => {
    const { app } = build();
    expect((await app.request('/_app/immutable/chunks/a1b2.js')).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable'
    );
    expect((await app.request('/manifest.webmanifest')).headers.get('cache-control')).toBeNull();
    expect((await app.request('/')).headers.get('cache-control')).toBeNull();
    expect((await app.request('/_app/immutable/chunks/missing.js')).headers.get('cache-control')).toBeNull();
  });

  it('answers every page path with the app shell, compressed', async () => {
    const { app, files } = build();
    const res = await app.request('/station/setup', { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const plain = await app.request('/inventory');
    expect(await plain.text()).toBe(files['index.html']);
  });

  it("answers a prerendered page's path with its own HTML, and nothing outside the build for a path like one", async () => {
    const { app, files } = build();
    const res = await app.request('/station', { headers: { 'accept-encoding': 'br' } });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(await (await app.request('/station')).text()).toBe(files['station.html']);
    // Its other pages, and paths that are no page of it, get the shell.
    for (const path of ['/station/setup', '/station/', '/station.', '/station%00', '/_app/station'])
      expect(await (await app.request(path)).text(), path).toBe(files['index.html']);
  });
});
