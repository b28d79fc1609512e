// The arguments `npm start` gives node, read from package.json: benchmarks and process tests start the server exactly
// as production does (Databricks Apps runs `npm start`), Node flags included.
import { readFileSync } from 'node:fs';

export function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`expected "npm start" to run node, not: ${pkg.scripts.start}`);
  return args;
}
