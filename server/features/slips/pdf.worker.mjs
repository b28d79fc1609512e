// @ts-check
// pdf.js runs here, in its own thread, never in the server's: its legacy build installs core-js polyfills that
// replace the process's JSON.stringify, JSON.parse and Array.prototype.push with slower JavaScript versions (measured:
// JSON.stringify of a push answer 15× slower), and a large or hostile PDF would otherwise stall every request.
// One job at a time per worker; pdf.ts starts the workers with a heap limit and ends one that takes too long.
// Each PDF is measured first (pdf-scan.mjs: inflated bytes, operators, nesting) and then read in one pass; its page
// count and text runs are bounded as pdf.js goes.
// Plain JavaScript, so it loads the same under tsx, vitest, Node 20 and Node 22.
import { parentPort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PDF_LIMITS, scanPdf, TooCostly } from './pdf-scan.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
// pdf.js work abandoned after a failure (a cancelled text stream, a torn-down document) may reject later: that must
// not crash the worker, whose error could reach pdf.ts before the answer already sent.
process.on('unhandledRejection', () => {});

/** A failure the caller reports as "the PDF cannot be read", not as a server error. */
class Unreadable extends Error {}

/** Pixels a drawn page may have (at 144 dpi an A4 page has 2.4 million); a larger page is drawn smaller. */
const MAX_PAGE_PIXELS = 16_000_000;
/** Pixels an image in a PDF may have to be drawn at all (a 300 dpi A4 scan has 8.7 million). */
const MAX_IMAGE_PIXELS = 50_000_000;

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

/** @param {Uint8Array} bytes */
async function open(bytes) {
  let pdf;
  try {
    pdf = await getDocument({
      data: bytes,
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      maxImageSize: MAX_IMAGE_PIXELS
    }).promise;
  } catch (e) {
    const err = /** @type {Error} */ (e);
    throw new Unreadable(
      err.name === 'PasswordException' ? 'it is password-protected' : `it is damaged (${err.message})`
    );
  }
  if (pdf.numPages > PDF_LIMITS.maxPages) {
    await pdf.destroy().catch(() => {});
    throw new TooCostly(`it has ${fmt(pdf.numPages)} pages; a packing slip may have at most ${PDF_LIMITS.maxPages}`);
  }
  return pdf;
}

/** The text layer as the browser builds it: baselines measured from the top of each page. @param {any} pdf */
async function textLayer(pdf) {
  const pages = [];
  let total = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const [, , width, height] = page.view;
    const items = [];
    let count = 0;
    const reader = page.streamTextContent().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      count += value.items.length;
      total += value.items.length;
      if (count > PDF_LIMITS.maxTextItemsPerPage || total > PDF_LIMITS.maxTextItemsTotal) {
        reader.cancel().catch(() => {}); // pdf.js may refuse; the worker is retired after a failure anyway
        throw new TooCostly(
          count > PDF_LIMITS.maxTextItemsPerPage
            ? `page ${n} has more than ${fmt(PDF_LIMITS.maxTextItemsPerPage)} runs of text; a packing slip page has a few hundred`
            : `its pages have more than ${fmt(PDF_LIMITS.maxTextItemsTotal)} runs of text in all`
        );
      }
      for (const i of value.items)
        if ('str' in i && i.str.trim() !== '')
          items.push({ s: i.str, x: i.transform[4], y: height - i.transform[5], w: i.width, h: i.height });
    }
    pages.push({ width, height, items });
    page.cleanup();
  }
  return pages;
}

/**
 * The first `maxPages` pages drawn at `scale` as PNG bytes.
 * @param {any} pdf @param {number} scale @param {number} maxPages
 */
async function render(pdf, scale, maxPages) {
  const { createCanvas } = await import('@napi-rs/canvas'); // only a worker that draws loads the native canvas
  const out = [];
  for (let n = 1; n <= Math.min(pdf.numPages, maxPages); n++) {
    const page = await pdf.getPage(n);
    const [x0, y0, x1, y1] = page.view;
    const area = Math.abs((x1 - x0) * (y1 - y0)) || 1;
    const viewport = page.getViewport({ scale: Math.min(scale, Math.sqrt(MAX_PAGE_PIXELS / area)) });
    const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
    await page.render({ canvas, viewport }).promise;
    out.push(new Uint8Array(await canvas.encode('png')));
    page.cleanup();
  }
  return out;
}

/** @typedef {{ op: 'text' | 'render', bytes: Uint8Array, scale: number, maxPages: number }} Job */
port.on('message', async (/** @type {Job} */ m) => {
  /** @type {any} */
  let pdf = null;
  try {
    scanPdf(m.bytes);
    pdf = await open(m.bytes);
    const result = m.op === 'text' ? await textLayer(pdf) : await render(pdf, m.scale, m.maxPages);
    port.postMessage({ ok: true, result }, m.op === 'render' ? result.map((/** @type {any} */ png) => png.buffer) : []);
  } catch (e) {
    const err = /** @type {Error} */ (e);
    // The answer goes before pdf.js is torn down: pdf.ts retires a worker after any failure anyway.
    if (e instanceof TooCostly)
      port.postMessage({
        ok: false,
        code: 'pdf_too_costly',
        message: `The PDF is too costly to read: ${err.message}.`
      });
    else
      port.postMessage({
        ok: false,
        code: 'unreadable_pdf',
        message: `The PDF cannot be read: ${e instanceof Unreadable ? err.message : `it is damaged (${err.message})`}.`
      });
  } finally {
    // A rejection here would crash the worker and could reach pdf.ts before the answer above did.
    await pdf?.destroy().catch(() => {});
  }
});
