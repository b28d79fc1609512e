// npm run parse-slip -- <file.pdf|image> [more pages…]: the slip as the server reads it, as one JSON object.
// The same checks and readers as POST /api/packing-slips, so several files are one slip (its pages, in order): a PDF
// with text is read directly; photos and scanned pages go to the vision model when SLIP_MODEL_ENDPOINT is set (with
// the usual DATABRICKS_* auth), and to local OCR when it is not or the model fails. stderr says which reader read it.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_SLIP_BYTES, MAX_SLIP_FILES } from '#domain/slip';
import { ApiError } from '../server/http/errors';
import { slipSettings } from '../server/features/slips/routes';
import { checkSlipFile, readSlip, type SlipFile } from '../server/features/slips/reader';
import { closeOcr } from '../server/features/slips/ocr';
import { UnreadablePdf } from '../server/features/slips/pdf';

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
  if (photos)
    console.error(
      model
        ? `${photos} photo(s): read by the model at SLIP_MODEL_ENDPOINT, by local OCR if it fails.`
        : `${photos} photo(s): read by local OCR (no SLIP_MODEL_ENDPOINT is set).`
    );
  const read = await readSlip(files, model).finally(closeOcr);
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
    console.error(
      e instanceof ApiError || e instanceof UnreadablePdf || (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? (e as Error).message
        : e
    );
    process.exit(1);
  }
);
