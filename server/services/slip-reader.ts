// One way to read a slip, for the server and `npm run parse-slip`: a PDF with text goes to the digital parser; photos
// and pictures of pages go to the vision model when one is configured; otherwise a person enters the lines.
import { emptySlip, type ParsedSlip, type Parser } from '../../src/lib/domain/slip';
import { hasText, parseTextLayer } from '../../src/lib/domain/slip-parse';
import type { SlipContentType } from '../../src/lib/domain/slip-files';
import { COULD_NOT_PARSE, readWithModel, type ModelImage, type ModelOptions } from './slip-model';
import { readTextLayer, renderPages } from './slip-pdf';

export interface SlipFile {
  contentType: SlipContentType;
  bytes: Uint8Array;
}

export interface ReadResult {
  slip: ParsedSlip;
  parser: Parser;
  error: string | null; // why there are no lines, in words for the review screen
}

export async function readSlip(files: SlipFile[], model: ModelOptions | null): Promise<ReadResult> {
  const images: ModelImage[] = [];
  for (const f of files) {
    if (f.contentType !== 'application/pdf') {
      images.push(f);
      continue;
    }
    const layer = await readTextLayer(f.bytes);
    if (hasText(layer)) {
      const slip = parseTextLayer(layer);
      if (slip.lines.length) return { slip, parser: 'digital', error: null };
    }
    // A picture of a page, or text without a table: only the model can read it, so draw it only for the model.
    if (model) for (const png of await renderPages(f.bytes)) images.push({ contentType: 'image/png', bytes: png });
  }
  if (!model)
    return { slip: emptySlip(), parser: 'manual', error: 'No lines could be read from this slip without a model — enter them by hand.' };
  try {
    const slip = await readWithModel(images, model);
    return slip.lines.length
      ? { slip, parser: 'model', error: null }
      : { slip, parser: 'manual', error: `The model found no lines. ${COULD_NOT_PARSE}` };
  } catch (e) {
    console.warn(`Packing slip model failed: ${(e as Error).message}`);
    return { slip: emptySlip(), parser: 'manual', error: COULD_NOT_PARSE };
  }
}
