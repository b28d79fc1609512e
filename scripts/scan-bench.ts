// `npm run scan-bench -- <folder> [--frame]`: decodes every PNG/JPEG under the folder (recursively) with the decoder
// core the camera worker runs (src/lib/client/decoder.ts), and prints one JSON line per image
//   {"file": "<path>", "text": "<decoded or null>", "format": "code_128" | … | null, "ms": 12.3}
// then a summary line {"summary": true, "images", "decoded", "decode_rate_pct", "median_ms"}.
// Still images get the 'thorough' effort (rotations, TRY_HARDER, inversion); --frame uses the camera's passes only.
// Images are decoded to RGBA in plain JavaScript (pngjs, jpeg-js): no native modules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, type RgbaImage } from '../src/lib/client/decoder';

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

function main() {
  const args = process.argv.slice(2);
  const folder = args.find((a) => !a.startsWith('--'));
  if (!folder) {
    console.error('usage: npm run scan-bench -- <folder> [--frame]');
    process.exit(2);
  }
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`scan-bench: ${folder} is not a folder`);
    process.exit(2);
  }
  const effort = args.includes('--frame') ? 'frame' : 'thorough';
  const times: number[] = [];
  let decoded = 0;
  for (const path of walk(folder)) {
    const file = path;
    let image: RgbaImage;
    try {
      image = load(path);
    } catch (e) {
      // An unreadable file is reported on its line and counted as not decoded; the run goes on.
      console.log(
        JSON.stringify({ file, text: null, format: null, ms: null, error: e instanceof Error ? e.message : String(e) })
      );
      times.push(NaN);
      continue;
    }
    const started = performance.now();
    const result = decodeImage(image, { effort });
    const ms = Math.round((performance.now() - started) * 10) / 10;
    times.push(ms);
    if (result) decoded++;
    console.log(JSON.stringify({ file, text: result?.text ?? null, format: result?.format ?? null, ms }));
  }
  const measured = times.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const mid = measured.length >> 1;
  const median = !measured.length
    ? null
    : measured.length % 2
      ? measured[mid]
      : Math.round(((measured[mid - 1] + measured[mid]) / 2) * 10) / 10;
  console.log(
    JSON.stringify({
      summary: true,
      images: times.length,
      decoded,
      decode_rate_pct: times.length ? Math.round((1000 * decoded) / times.length) / 10 : null,
      median_ms: median,
      effort
    })
  );
}

main();
