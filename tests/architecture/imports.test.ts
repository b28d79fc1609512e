// The layout's rules, checked on the source itself: no import loops anywhere in the product, no route file that
// imports a route file, nothing that imports a route but the app, and the server reaches the shared domain through
// the one alias. A rule broken here is a rule broken for whoever reads the code next.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXTS = ['', '.ts', '.js', '.mjs', '.svelte', '.svelte.ts', '/index.ts'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.(ts|mjs|svelte)$/.test(name) ? [p] : [];
  });
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The project files one file imports (type-only imports count: they tie the files together for a reader too). */
export function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\s)(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)) {
    const spec = m[1] ?? m[2];
    let base: string | null = null;
    if (spec.startsWith('.')) base = resolve(dirname(file), spec);
    else if (spec.startsWith('#domain/')) base = join(ROOT, 'src/lib/domain', spec.slice('#domain/'.length));
    else if (spec.startsWith('$lib/')) base = join(ROOT, 'src/lib', spec.slice('$lib/'.length));
    if (!base) continue;
    const hit = EXTS.map((e) => base + e).find(isFile);
    if (hit) out.push(hit);
  }
  return out;
}

const product = [...walk(join(ROOT, 'server')), ...walk(join(ROOT, 'src'))].filter((f) => !/\.test\.ts$/.test(f));
const graph = new Map(product.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(ROOT, f);

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (!graph.has(g)) continue;
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g].map(rel));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

const isRoute = (f: string) => /server\/features\/[^/]+\/([\w-]+-)?routes\.ts$/.test(f);

describe('the layout', () => {
  it('finds the files it checks', () => {
    expect(product.length).toBeGreaterThan(100);
    expect(product.filter(isRoute).length).toBeGreaterThan(10);
  });

  it('has no import loops in the server or the client', () => {
    expect(cycles()).toEqual([]);
  });

  it('lets only the app import a route file', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      deps
        .filter(isRoute)
        .filter(() => rel(f) !== 'server/app.ts')
        .map((d) => `${rel(f)} -> ${rel(d)}`)
    );
    expect(bad).toEqual([]);
  });

  it('reaches the shared domain from the server through #domain only', () => {
    const server = walk(join(ROOT, 'server'));
    const bad = server.filter((f) => /from '(\.\.\/)+src\/lib\/domain/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(bad).toEqual([]);
  });

  it('keeps test support out of the product tree', () => {
    const kits = product.filter((f) => /testkit|testdb/.test(f) && !f.includes('/server/testing/')).map(rel);
    expect(kits).toEqual([]);
  });
});
