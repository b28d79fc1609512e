// npm run parse-slip -- <file.pdf|image> [more pages…]: the slip as the server reads it, as one JSON object.
// The same checks and readers as POST /api/packing-slips; SLIP_MODEL_ENDPOINT (with the usual DATABRICKS_* auth)
// lets the vision model read photos and scanned pages.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_SLIP_BYTES, MAX_SLIP_FILES } from '#domain/slip';
import { ApiError } from '../server/http/errors';
import { slipSettings } from '../server/features/slips/routes';
import { checkSlipFile, readSlip, type SlipFile } from '../server/features/slips/reader';

/** Whether the local OCR reader of photos exists yet (another lane builds it). */
async function hasLocalOcr(): Promise<boolean> {
  const path = '../server/features/slips/ocr';
  return (await import(/* @vite-ignore */ path).then(
    () => true,
    () => false
  )) as boolean;
}

async function main(paths: string[]): Promise<number> {
  if (!paths.length || paths.length > MAX_SLIP_FILES) {
    console.error(`Usage: npm run parse-slip -- <file.pdf|image> [up to ${MAX_SLIP_FILES} files of one slip]`);
    return 2;
  }
  const files: SlipFile[] = [];
  let total = 0;
  for (const path of paths) {
    total += (await stat(path)).size;
    if (total > MAX_SLIP_BYTES)
      throw new ApiError(
        413,
        'payload_too_large',
        `A packing slip may be at most ${MAX_SLIP_BYTES / 1024 / 1024} MB in all.`
      );
    files.push(await checkSlipFile(basename(path), '', new Uint8Array(await readFile(path))));
  }
  const { model } = slipSettings();
  const photos = files.filter((f) => f.contentType !== 'application/pdf').length;
  if (photos && !model && !(await hasLocalOcr()))
    console.error(
      `${photos} of the files are photos: they need local OCR (server/features/slips/ocr.ts, not built yet) or SLIP_MODEL_ENDPOINT; only the PDFs are read.`
    );
  const read = await readSlip(files, model);
  console.error(`read by: ${read.parser}`);
  if (read.error) console.error(read.error);
  const { supplier, slip_number, po_number, date, lines } = read.slip;
  const out = {
    supplier,
    slip_number,
    po_number,
    date,
    lines: lines.map(({ supplier_part, description, qty, unit, lot, confidence }) => ({
      supplier_part,
      description,
      qty,
      unit,
      lot,
      confidence
    }))
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof ApiError || (e as NodeJS.ErrnoException).code === 'ENOENT' ? (e as Error).message : e);
    process.exit(1);
  }
);
