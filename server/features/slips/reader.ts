// One way to read a slip, for the server and `npm run parse-slip`: a PDF with text goes to the digital parser; photos
// and pictures of pages go to the vision model when one is configured; otherwise a person enters the lines.
import { emptySlip, type ParsedSlip, type Parser, type TextLayer } from '#domain/slip';
import { hasText, parseTextLayer } from '#domain/slip-parse';
import { claimedType, describeType, sniffSlipFile, type SlipContentType } from '#domain/slip-files';
import { ApiError } from '../../http/errors';
import { COULD_NOT_PARSE, readWithModel, type ModelImage, type ModelOptions } from './model';
import { readTextLayer, renderPages, UnreadablePdf } from './pdf';

export interface SlipFile {
  contentType: SlipContentType;
  bytes: Uint8Array;
}

export interface ReadResult {
  slip: ParsedSlip;
  parser: Parser;
  error: string | null; // why there are no lines, in words for the review screen
}

/** A file as uploaded, checked: not empty, a kind a slip may be by its bytes, what it claims to be, and readable. */
export async function checkSlipFile(name: string, declaredType: string, bytes: Uint8Array): Promise<SlipFile> {
  const label = name || '(unnamed)';
  if (!bytes.length) throw new ApiError(400, 'empty_file', `The file ${label} is empty: capture the slip again.`);
  const contentType = sniffSlipFile(bytes);
  if (!contentType)
    throw new ApiError(
      415,
      'unsupported_file_type',
      `The file ${label} is not a PDF, JPEG, PNG, WebP or HEIC image (judged by its content, not its name).`
    );
  // The bytes decide what a file is; one that claims to be something else was mislabelled, and saying so is
  // clearer than failing later (a photo renamed to .pdf would not open as a PDF on the tablet either).
  const claimed = claimedType(name, declaredType);
  if (claimed && claimed !== contentType)
    throw new ApiError(
      415,
      'type_mismatch',
      `The file ${label} is named or labelled as ${describeType(claimed)} but its content is ${describeType(contentType)}.`
    );
  if (contentType === 'application/pdf') {
    try {
      await readTextLayer(bytes);
    } catch (e) {
      if (e instanceof UnreadablePdf) throw new ApiError(422, 'unreadable_pdf', `${label}: ${e.message}`);
      throw e;
    }
  }
  return { contentType, bytes };
}

export async function readSlip(files: SlipFile[], model: ModelOptions | null): Promise<ReadResult> {
  const images: ModelImage[] = [];
  const text: TextLayer = []; // the pages of every PDF with text, in upload order: one table may run across files
  const pdfs: Uint8Array[] = [];
  for (const f of files) {
    if (f.contentType !== 'application/pdf') {
      images.push(f);
      continue;
    }
    pdfs.push(f.bytes);
    const layer = await readTextLayer(f.bytes);
    if (hasText(layer)) text.push(...layer);
  }
  const digital = text.length ? parseTextLayer(text) : null;
  if (digital?.lines.length) return { slip: digital, parser: 'digital', error: null };
  if (!model)
    return {
      slip: emptySlip(),
      parser: 'manual',
      error: 'No lines could be read from this slip without a model — enter them by hand.'
    };
  // Pictures of pages, or text with no table the reader recognised: the model reads the drawn pages.
  for (const pdf of pdfs)
    for (const png of await renderPages(pdf)) images.push({ contentType: 'image/png', bytes: png });
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
