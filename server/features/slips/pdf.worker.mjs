// @ts-check
// pdf.js runs here, in its own thread, never in the server's: its legacy build installs core-js polyfills that
// replace the process's JSON.stringify, JSON.parse and Array.prototype.push with slower JavaScript versions (measured:
// JSON.stringify of a push answer 15× slower), and a large or hostile PDF would otherwise stall every request.
// Plain JavaScript, so it loads the same under tsx, vitest, Node 20 and Node 22.
import { parentPort } from 'node:worker_threads';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/** A failure the caller reports as "the PDF cannot be read", not as a server error. */
class Unreadable extends Error {}

/** @param {Uint8Array} bytes @param {number} maxPages */
async function open(bytes, maxPages) {
  let pdf;
  try {
    pdf = await getDocument({ data: bytes, verbosity: 0, isEvalSupported: false, disableFontFace: true }).promise;
  } catch (e) {
    const err = /** @type {Error} */ (e);
    throw new Unreadable(
      `The PDF cannot be read: ${err.name === 'PasswordException' ? 'it is password-protected' : `it is damaged (${err.message})`}.`
    );
  }
  if (pdf.numPages > maxPages) {
    await pdf.destroy();
    throw new Unreadable(`The PDF has ${pdf.numPages} pages; a packing slip may have at most ${maxPages}.`);
  }
  return pdf;
}

/** The text layer as the browser builds it: baselines measured from the top of each page. @param {any} pdf */
async function textLayer(pdf) {
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const [, , width, height] = page.view;
    const content = await page.getTextContent();
    const items = content.items.flatMap((/** @type {any} */ i) =>
      'str' in i && i.str.trim() !== ''
        ? [{ s: i.str, x: i.transform[4], y: height - i.transform[5], w: i.width, h: i.height }]
        : []
    );
    pages.push({ width, height, items });
    page.cleanup();
  }
  return pages;
}

/** Every page drawn at `scale` as PNG bytes. @param {any} pdf @param {number} scale */
async function render(pdf, scale) {
  const out = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    await page.render({ canvas, viewport }).promise;
    out.push(new Uint8Array(await canvas.encode('png')));
    page.cleanup();
  }
  return out;
}

port.on(
  'message',
  async (
    /** @type {{ id: number, op: 'text' | 'render', bytes: Uint8Array, maxPages: number, scale: number }} */ m
  ) => {
    try {
      const pdf = await open(m.bytes, m.maxPages);
      try {
        const result = m.op === 'text' ? await textLayer(pdf) : await render(pdf, m.scale);
        port.postMessage(
          { id: m.id, ok: true, result },
          m.op === 'render' ? result.map((/** @type {any} */ png) => png.buffer) : []
        );
      } finally {
        await pdf.destroy();
      }
    } catch (e) {
      const err = /** @type {Error} */ (e);
      const message = e instanceof Unreadable ? err.message : `The PDF cannot be read: it is damaged (${err.message}).`;
      port.postMessage({ id: m.id, ok: false, message });
    }
  }
);
