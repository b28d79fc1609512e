// One way to read a slip, for the server and `npm run parse-slip`: a PDF with text goes to the digital parser; photos
// and pictures of pages go to the vision model when one is configured, and to local OCR when none is or it fails
// (OCR's words go into the same table reader as a PDF's text); when nothing reads a line, a person enters them.
import { emptySlip, type ParsedSlip, type Parser, type TextLayer } from '#domain/slip';
import { hasText, parseTextLayer } from '#domain/slip-parse';
import { claimedType, describeType, sniffSlipFile, type SlipContentType } from '#domain/slip-files';
import { ApiError } from '../../http/errors';
import { COULD_NOT_PARSE, readWithModel, type ModelImage, type ModelOptions } from './model';
import { MAX_OCR_PAGES, ocrPictures, ocrUnsure } from './ocr';
import { readTextLayer, renderPages } from './pdf';

export interface SlipFile {
  contentType: SlipContentType;
  bytes: Uint8Array;
}

export interface ReadResult {
  slip: ParsedSlip;
  parser: Parser;
  error: string | null; // why there are no lines, in words for the review screen
}

/** A file as uploaded, checked: not empty, a kind a slip may be by its bytes, and what it claims to be. */
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
  // A PDF is read once, by readSlip: one that cannot be read (or costs too much) fails there, with an UnreadablePdf.
  return { contentType, bytes };
}

/** Header fields of a reading with no lines, kept so the person entering the lines need not type them too. */
const headerOnly = (...slips: (ParsedSlip | null)[]): ParsedSlip => {
  const out = emptySlip();
  for (const s of slips) {
    if (!s) continue;
    out.supplier ??= s.supplier;
    out.slip_number ??= s.slip_number;
    out.po_number ??= s.po_number;
    out.date ??= s.date;
  }
  return out;
};

export async function readSlip(files: SlipFile[], model: ModelOptions | null): Promise<ReadResult> {
  const photos: ModelImage[] = [];
  const text: TextLayer = []; // the pages of every PDF with text, in upload order: one table may run across files
  const pdfs: { bytes: Uint8Array; scanned: boolean; pages: number }[] = [];
  for (const f of files) {
    if (f.contentType !== 'application/pdf') {
      photos.push(f);
      continue;
    }
    const layer = await readTextLayer(f.bytes);
    const scanned = !hasText(layer);
    pdfs.push({ bytes: f.bytes, scanned, pages: layer.length });
    if (!scanned) text.push(...layer);
  }
  const digital = text.length ? parseTextLayer(text) : null;
  if (digital?.lines.length) return { slip: digital, parser: 'digital', error: null };

  // Pictures of pages: photos as uploaded and the pages of a PDF drawn once, for the model and for OCR (which
  // draws no more pages than it reads).
  const drawn = new Map<Uint8Array, Uint8Array[]>();
  const pagesOf = async (pdf: Uint8Array, maxPages?: number) => {
    const had = drawn.get(pdf);
    if (had && (maxPages === undefined || had.length >= maxPages)) return had.slice(0, maxPages);
    const pages = await renderPages(pdf, 2, { maxPages });
    drawn.set(pdf, pages);
    return pages;
  };
  let modelError: string | null = null;
  if (model) {
    // Text with no table the reader recognised goes to the model too: it reads the drawn pages.
    const images = [...photos];
    for (const pdf of pdfs)
      for (const png of await pagesOf(pdf.bytes)) images.push({ contentType: 'image/png', bytes: png });
    try {
      const slip = await readWithModel(images, model);
      if (slip.lines.length) return { slip, parser: 'model', error: null };
      modelError = 'The model found no lines.';
    } catch (e) {
      console.warn(`Packing slip model failed: ${(e as Error).message}`);
      modelError = 'The model could not read this slip.';
    }
  }

  // Local OCR of the photos and the scanned pages (a PDF with text was read above; OCR would read the same words).
  let ocr: ParsedSlip | null = null;
  let ocrError: string | null = null;
  // At most MAX_OCR_PAGES pages are read, so no more are drawn: the rest of a long scan is only counted.
  const pictures: Uint8Array[] = photos.map((p) => p.bytes);
  let unread = 0;
  for (const pdf of pdfs) {
    if (!pdf.scanned) continue;
    const room = Math.max(0, MAX_OCR_PAGES - pictures.length);
    const pages = room ? await pagesOf(pdf.bytes, Math.min(room, pdf.pages)) : [];
    pictures.push(...pages);
    unread += pdf.pages - pages.length;
  }
  if (pictures.length) {
    try {
      const read = await ocrPictures(pictures, unread);
      ocr = parseTextLayer(read.layer, { ocr: true, unsure: ocrUnsure });
      if (ocr.lines.length) return { slip: ocr, parser: 'ocr', error: null };
      ocrError = read.problems.length
        ? `Local OCR read no lines: ${read.problems.join('; ')}.`
        : 'Local OCR found no table of lines on the pictures.';
    } catch (e) {
      console.warn(`Packing slip OCR failed: ${(e as Error).message}`);
      ocrError = 'Local OCR could not read the pictures.';
    }
  }
  const why = [modelError, ocrError].filter(Boolean).join(' ');
  return {
    slip: headerOnly(digital, ocr),
    parser: 'manual',
    error: model
      ? `${why} ${COULD_NOT_PARSE}`.trim()
      : `${why ? why + ' ' : ''}No lines could be read from this slip — enter them by hand.`
  };
}
