// What the station's first screen loads before it can draw (issue 18): every module its page reaches by static value
// imports. Zod (the event schema, ~30 kB compressed) loads with the first scan or answered push, the barcode decoder
// only in its worker when the camera starts; neither may creep back onto the first screen through a shared import.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXTS = ['', '.ts', '.js', '.svelte', '/index.ts'];

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Static value imports of a file (not `import type`, not `import(…)`): project files, and the packages named. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const src = readFileSync(file, 'utf8');
  const files: string[] = [];
  const packages: string[] = [];
  for (const m of src.matchAll(
    /(?:^|[\s;])(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|import\s+'([^']+)'/gm
  )) {
    if (m[2]) continue; // import type / export type: gone from the build
    const spec = m[4] ?? m[5];
    let base: string | null = null;
    if (spec.startsWith('.')) base = resolve(dirname(file), spec);
    else if (spec.startsWith('$lib/')) base = join(ROOT, 'src/lib', spec.slice('$lib/'.length));
    else if (spec.startsWith('$app/')) continue;
    else {
      packages.push(spec);
      continue;
    }
    const hit = EXTS.map((e) => base + e).find(isFile);
    if (!hit) throw new Error(`${file}: cannot resolve ${spec}`);
    files.push(hit);
  }
  return { files, packages };
}

function reached(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    const next = staticImports(f);
    next.packages.forEach((p) => packages.add(p));
    todo.push(...next.files);
  }
  return { files, packages };
}

describe("the station's first screen", () => {
  const { files, packages } = reached(join(ROOT, 'src/routes/station/+page.svelte'));

  it('reaches the station, its database and its barcode rules', () => {
    const rel = [...files].map((f) => f.slice(ROOT.length));
    expect(rel).toEqual(
      expect.arrayContaining([
        'src/lib/client/db.ts',
        'src/lib/client/outbox.ts',
        'src/lib/client/sync.ts',
        'src/lib/domain/barcode.ts'
      ])
    );
    expect(packages).toContain('dexie');
  });

  it('does not load zod or the event schema', () => {
    expect([...packages].filter((p) => p === 'zod' || p.startsWith('zod/'))).toEqual([]);
    expect([...files].map((f) => f.slice(ROOT.length))).not.toContain('src/lib/domain/events.ts');
  });

  it('does not load the barcode decoder', () => {
    expect([...packages].filter((p) => p.startsWith('@zxing/'))).toEqual([]);
    expect([...files].some((f) => /decoder(\.worker)?\.ts$/.test(f))).toBe(false);
  });

  it('does not get zod from the client hook, which every page runs first', () => {
    const hook = reached(join(ROOT, 'src/hooks.client.ts'));
    expect([...hook.packages].filter((p) => p === 'zod' || p.startsWith('zod/'))).toEqual([]);
  });
});
