// `npm run scan-bench -- <folder> [--frame]` or `npm run scan-bench -- --photos [count] [seed]`: decodes every
// PNG/JPEG under the folder (recursively) with the decoder core the camera worker runs (src/lib/client/decoder.ts)
// and the camera's acceptance rule (acceptance.ts): a still counts as read only when two different passes over it
// (binarizers, turns, filters) agree. One JSON line per image
//   {"file", "text": "<accepted or null>", "format", "first": "<first decode, accepted or not>", "pass", "ms", …}
// then a summary line {"summary": true, "images", "decoded", "decode_rate_pct", "median_ms", …}.
// With a truth.json in the folder ([{ file, format, text }], as tests/fixtures/photo-corpus.ts writes it) each line
// also says "truth" and "verdict" (read / false_read / missed), and the summary gives per format the read rate and
// the false reads (an accepted value that is not the truth) and how many wrong first decodes the rule held back.
// --photos makes (or reuses, under .cache/) the generated photographed corpus and benchmarks it.
// Still images get the 'thorough' effort (rotations, TRY_HARDER, inversion); --frame uses the camera's passes only.
// Images are decoded to RGBA in plain JavaScript (pngjs, jpeg-js): no native modules.
// One worker thread per core loads and decodes the images (each image's ms is its decode alone, in its worker); the
// lines are printed in file order. One thread spent about 0.5 s of CPU per 1024×768 photo (a third of it jpeg-js),
// and 320 photos did not finish within 300 s on the 2-core machine.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, relative } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { normaliseDecode } from '../src/lib/client/acceptance';
import { decodeImage, type Decoded, type RgbaImage } from '../src/lib/client/decoder';
import { photoCorpus } from '../tests/fixtures/photo-corpus';

/** The decoded text as the truth is written: the GS1-128 symbology mark `]C1` and a GS1 DataMatrix's leading GS
 * (both only say "GS1 data follows") taken off. */
function canonicalText(text: string): string {
  return text.startsWith(']C1') ? text.slice(3) : text.startsWith('\u001d') ? text.slice(1) : text;
}

interface Truth {
  file: string;
  format: string;
  text: string;
}

const IMAGE = new Set(['.png', '.jpg', '.jpeg']);

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (IMAGE.has(extname(name).toLowerCase())) yield path;
  }
}

function load(path: string): RgbaImage {
  const bytes = readFileSync(path);
  if (extname(path).toLowerCase() === '.png') {
    const png = PNG.sync.read(bytes);
    return { data: png.data, width: png.width, height: png.height };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  return { data: img.data, width: img.width, height: img.height };
}

interface Answer {
  result?: Decoded | null;
  ms?: number;
  error?: string;
}

/** In a worker: each path posted in is loaded and decoded, and answered in the order asked. */
function serve(effort: 'frame' | 'thorough') {
  parentPort!.on('message', (path: string) => {
    let image: RgbaImage;
    try {
      image = load(path);
    } catch (e) {
      parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies Answer);
      return;
    }
    const started = performance.now();
    const result = decodeImage(image, { effort, confirm: true });
    const ms = Math.round((performance.now() - started) * 10) / 10;
    parentPort!.postMessage({ result, ms } satisfies Answer);
  });
}

/** The answers for the paths, in their order, from one worker per core (each one image at a time). */
async function* decodeAll(paths: string[], effort: 'frame' | 'thorough'): AsyncGenerator<Answer> {
  const answers: Promise<Answer>[] = [];
  const workers = Array.from(
    { length: Math.max(1, Math.min(availableParallelism(), paths.length)) },
    // A worker does not inherit tsx's loader hooks: it registers them before it imports this file.
    () =>
      new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
          `.then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`,
        { eval: true, workerData: { effort } }
      )
  );
  let next = 0;
  const settle: ((a: Answer) => void)[] = paths.map((_, i) => {
    let done!: (a: Answer) => void;
    answers[i] = new Promise<Answer>((r) => (done = r));
    return done;
  });
  for (const w of workers) {
    let mine = -1;
    const give = () => {
      if (next >= paths.length) return void w.terminate();
      mine = next++;
      w.postMessage(paths[mine]);
    };
    w.on('message', (a: Answer) => {
      settle[mine](a);
      give();
    });
    w.on('error', (e) => {
      console.error(`scan-bench: a decoding worker failed on ${paths[mine]}: ${e.stack ?? e.message}`);
      process.exit(1);
    });
    give();
  }
  for (const a of answers) yield await a;
}

async function main() {
  const args = process.argv.slice(2);
  const positional = args.filter((a) => !a.startsWith('--'));
  let folder = positional[0];
  if (args.includes('--photos')) {
    const count = positional[0] ? Number(positional[0]) : undefined;
    const seed = positional[1] ? Number(positional[1]) : undefined;
    if ((count !== undefined && !(count >= 1 && count <= 5000)) || (seed !== undefined && !Number.isInteger(seed))) {
      console.error('usage: npm run scan-bench -- --photos [count 1..5000] [seed]');
      process.exit(2);
    }
    folder = (await photoCorpus({ count, seed })).dir;
  }
  if (!folder) {
    console.error('usage: npm run scan-bench -- <folder> [--frame]  |  npm run scan-bench -- --photos [count] [seed]');
    process.exit(2);
  }
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`scan-bench: ${folder} is not a folder`);
    process.exit(2);
  }
  const truthFile = join(folder, 'truth.json');
  const truth = existsSync(truthFile)
    ? new Map((JSON.parse(readFileSync(truthFile, 'utf8')) as Truth[]).map((t) => [t.file, t]))
    : null;
  const effort = args.includes('--frame') ? 'frame' : 'thorough';
  const times: number[] = [];
  let decoded = 0;
  // Per format of the truth: images, read right, false reads, wrong first decodes the rule held back.
  const byFormat = new Map<string, { images: number; read: number; false_reads: number; held_back: number }>();
  const paths = [...walk(folder)];
  let n = 0;
  for await (const answer of decodeAll(paths, effort)) {
    const path = paths[n++];
    const file = path;
    const t = truth?.get(relative(folder, path).split('\\').join('/'));
    if (answer.error !== undefined) {
      // An unreadable file is reported on its line and counted as not decoded; the run goes on.
      console.log(JSON.stringify({ file, text: null, format: null, ms: null, error: answer.error }));
      times.push(NaN);
      continue;
    }
    const result = answer.result ?? null;
    const ms = answer.ms!;
    times.push(ms);
    const accepted = result?.confirmed ? normaliseDecode(result) : null;
    if (accepted) decoded++;
    const line: Record<string, unknown> = {
      file,
      text: accepted?.text ?? null,
      format: accepted?.format ?? null,
      first: result?.text ?? null,
      pass: result?.pass ?? null,
      ms
    };
    if (t) {
      const right = (d: { text: string; format: string }) => canonicalText(d.text) === t.text && d.format === t.format;
      const stats = byFormat.get(t.format) ?? { images: 0, read: 0, false_reads: 0, held_back: 0 };
      byFormat.set(t.format, stats);
      stats.images++;
      line.truth = t.text;
      line.verdict = accepted ? (right(accepted) ? 'read' : 'false_read') : 'missed';
      if (line.verdict === 'read') stats.read++;
      else if (line.verdict === 'false_read') stats.false_reads++;
      else if (result && !right(result)) stats.held_back++;
    }
    console.log(JSON.stringify(line));
  }
  const measured = times.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const mid = measured.length >> 1;
  const median = !measured.length
    ? null
    : measured.length % 2
      ? measured[mid]
      : Math.round(((measured[mid - 1] + measured[mid]) / 2) * 10) / 10;
  const pct = (n: number, of: number) => (of ? Math.round((1000 * n) / of) / 10 : null);
  const formats = Object.fromEntries(
    [...byFormat].sort().map(([f, x]) => [f, { ...x, read_rate_pct: pct(x.read, x.images) }])
  );
  const all = [...byFormat.values()];
  const sum = (k: 'images' | 'read' | 'false_reads' | 'held_back') => all.reduce((n, x) => n + x[k], 0);
  console.log(
    JSON.stringify({
      summary: true,
      images: times.length,
      decoded,
      decode_rate_pct: pct(decoded, times.length),
      median_ms: median,
      effort,
      rule: 'two passes agree',
      ...(truth
        ? {
            read: sum('read'),
            read_rate_pct: pct(sum('read'), sum('images')),
            false_reads: sum('false_reads'),
            held_back: sum('held_back'),
            formats
          }
        : {})
    })
  );
}

if (isMainThread) await main();
else serve((workerData as { effort: 'frame' | 'thorough' }).effort);
