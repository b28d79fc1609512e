import { createHash } from 'node:crypto';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes, withSecurityHeaders } from './security';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('security headers', () => {
  it('hashes each inline script of the page and no script with a src', () => {
    const html =
      '<head><script src="/_app/x.js"></script><script>\n  boot();\n</script></head><body><script type="module">go()</script></body>';
    expect(inlineScriptHashes(html)).toEqual([sha('\n  boot();\n'), sha('go()')]);
  });

  it('allows no inline script but the hashed ones, and no framing unless a dashboard embed is configured', () => {
    const csp = contentSecurityPolicy({ scriptHashes: [sha('boot()')] });
    expect(csp).toContain(`script-src 'self' ${sha('boot()')};`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("frame-src 'none'");
    expect(
      contentSecurityPolicy({
        scriptHashes: [],
        dashboardEmbedUrl: 'https://adb-1.azuredatabricks.net/embed/dashboardsv3/abc'
      })
    ).toContain('frame-src https://adb-1.azuredatabricks.net;');
    expect(() => contentSecurityPolicy({ scriptHashes: [], dashboardEmbedUrl: 'http://plain.example/x' })).toThrow(
      /https/
    );
  });

  it('frames the configured dashboard origin on every response, and nothing when none is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linesync-sec-'));
    writeFileSync(join(dir, 'index.html'), '<script>boot()</script>');
    const framed = withSecurityHeaders(() => new Response('x'), {
      buildDir: dir,
      dashboardEmbedUrl: 'https://adb-9.8.azuredatabricks.net/embed/dashboardsv3/01ef?o=9'
    });
    const csp = (await framed(new Request('http://x/analytics'))).headers.get('content-security-policy')!;
    expect(csp).toContain('frame-src https://adb-9.8.azuredatabricks.net;');
    expect(csp).not.toContain('/embed/'); // the origin only, not the dashboard's path and query
    expect(csp).toContain("frame-ancestors 'none'"); // and the app itself still may not be framed
    const plain = withSecurityHeaders(() => new Response('x'), { buildDir: dir });
    expect((await plain(new Request('http://x/analytics'))).headers.get('content-security-policy')).toContain(
      "frame-src 'none'"
    );
    expect(() =>
      withSecurityHeaders(() => new Response('x'), {
        buildDir: dir,
        dashboardEmbedUrl: 'http://adb-9.8.azuredatabricks.net/x'
      })
    ).toThrow(/https/);
  });

  it('sets the headers on every response and follows a new build of index.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linesync-sec-'));
    writeFileSync(join(dir, 'index.html'), '<script>one()</script>');
    const fetch = withSecurityHeaders(() => Response.json({ ok: true }), { buildDir: dir });
    const res = await fetch(new Request('http://x/api/health'));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain(sha('one()'));
    writeFileSync(join(dir, 'index.html'), '<script>two()</script>');
    utimesSync(join(dir, 'index.html'), new Date(), new Date(Date.now() + 5000));
    const after = (await fetch(new Request('http://x/'))).headers.get('content-security-policy');
    expect(after).toContain(sha('two()'));
    expect(after).not.toContain(sha('one()'));
    // A page prerendered beside index.html: its inline scripts are allowed too, once each.
    writeFileSync(join(dir, 'station.html'), '<script>two()</script><script>three()</script>');
    utimesSync(join(dir, 'index.html'), new Date(), new Date(Date.now() + 10_000));
    const pages = (await fetch(new Request('http://x/station'))).headers.get('content-security-policy')!;
    expect(pages).toContain(`${sha('two()')} ${sha('three()')};`);
    // Responses whose headers cannot change are copied, not left bare.
    const frozen = withSecurityHeaders(async () => fetchLike(), { buildDir: dir });
    expect((await frozen(new Request('http://x/'))).headers.get('x-content-type-options')).toBe('nosniff');
  });
});

/** A Response with immutable headers, as fetch() returns them. */
function fetchLike(): Response {
  const r = new Response('x');
  Object.defineProperty(r, 'headers', {
    value: new Proxy(new Headers(), {
      get: (t, p) =>
        p === 'set'
          ? () => {
              throw new TypeError('immutable');
            }
          : Reflect.get(t, p)
    })
  });
  return r;
}
