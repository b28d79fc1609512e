// PDFs in Node with pdf.js (legacy build: the modern one expects browser globals): the positioned text of every page,
// and the pages drawn to PNG for the vision model (through @napi-rs/canvas, pdf.js's own Node canvas).
import { createCanvas } from '@napi-rs/canvas';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextLayer, TextPage } from '../../src/lib/domain/slip';

export class UnreadablePdf extends Error {}

export const MAX_PDF_PAGES = 50;

async function open(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  try {
    // pdf.js takes ownership of the buffer it is given, so it gets a copy.
    const pdf = await getDocument({ data: bytes.slice(), verbosity: 0, isEvalSupported: false, disableFontFace: true }).promise;
    if (pdf.numPages > MAX_PDF_PAGES) {
      await pdf.destroy();
      throw new UnreadablePdf(`The PDF has ${pdf.numPages} pages; a packing slip may have at most ${MAX_PDF_PAGES}.`);
    }
    return pdf;
  } catch (e) {
    if (e instanceof UnreadablePdf) throw e;
    const why = (e as Error).name === 'PasswordException' ? 'it is password-protected' : `it is damaged (${(e as Error).message})`;
    throw new UnreadablePdf(`The PDF cannot be read: ${why}.`);
  }
}

/** The text layer as the browser builds it: baselines measured from the top of each page. */
export async function readTextLayer(bytes: Uint8Array): Promise<TextLayer> {
  const pdf = await open(bytes);
  try {
    const pages: TextPage[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const [, , width, height] = page.view;
      const content = await page.getTextContent();
      const items = content.items.flatMap((i) =>
        'str' in i && i.str.trim() !== '' ? [{ s: i.str, x: i.transform[4], y: height - i.transform[5], w: i.width, h: i.height }] : []
      );
      pages.push({ width, height, items });
      page.cleanup();
    }
    return pages;
  } catch (e) {
    throw e instanceof UnreadablePdf ? e : new UnreadablePdf(`The PDF cannot be read: it is damaged (${(e as Error).message}).`);
  } finally {
    await pdf.destroy();
  }
}

/** Every page drawn at `scale` (2 = 144 dpi) as PNG bytes. */
export async function renderPages(bytes: Uint8Array, scale = 2): Promise<Uint8Array[]> {
  const pdf = await open(bytes);
  try {
    const out: Uint8Array[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const viewport = page.getViewport({ scale });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, viewport }).promise;
      out.push(new Uint8Array(await canvas.encode('png')));
      page.cleanup();
    }
    return out;
  } finally {
    await pdf.destroy();
  }
}
