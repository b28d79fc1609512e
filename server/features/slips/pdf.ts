// PDFs in Node with pdf.js: the positioned text of every page, and the pages drawn to PNG for the vision model.
// The work happens in a worker thread (slip-pdf.worker.mjs says why); this side only sends bytes and waits.
import { Worker } from 'node:worker_threads';
import type { TextLayer } from '#domain/slip';

export class UnreadablePdf extends Error {}

export const MAX_PDF_PAGES = 50;
/** A PDF that takes longer than this is treated as unreadable, and the worker that chewed on it is replaced. */
const PDF_TIMEOUT_MS = 60_000;

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };
interface Pending {
  resolve(result: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(message: string) {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    p.reject(new UnreadablePdf(message));
    pending.delete(id);
  }
}

function pdfWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./pdf.worker.mjs', import.meta.url));
  w.unref(); // an idle PDF worker never keeps the server from exiting
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new UnreadablePdf(m.message));
  });
  w.on('error', (e) => {
    if (worker === w) worker = null;
    failAll(`The PDF cannot be read: the reader failed (${e.message}).`);
  });
  w.on('exit', () => {
    if (worker === w) worker = null;
    failAll('The PDF cannot be read: the reader stopped.');
  });
  return (worker = w);
}

function run<T>(op: 'text' | 'render', bytes: Uint8Array, scale = 1): Promise<T> {
  const w = pdfWorker();
  const id = nextId++;
  // pdf.js takes ownership of the buffer it is given, so it gets a copy, moved rather than copied again.
  const copy = bytes.slice();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new UnreadablePdf(`The PDF cannot be read: it took longer than ${PDF_TIMEOUT_MS / 1000} s.`));
      void w.terminate(); // the next PDF gets a fresh worker; other PDFs in flight on this one fail with it
    }, PDF_TIMEOUT_MS);
    pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
    w.postMessage({ id, op, bytes: copy, maxPages: MAX_PDF_PAGES, scale }, [copy.buffer as ArrayBuffer]);
  });
}

/** The text layer as the browser builds it: baselines measured from the top of each page. */
export function readTextLayer(bytes: Uint8Array): Promise<TextLayer> {
  return run<TextLayer>('text', bytes);
}

/** Every page drawn at `scale` (2 = 144 dpi) as PNG bytes. */
export function renderPages(bytes: Uint8Array, scale = 2): Promise<Uint8Array[]> {
  return run<Uint8Array[]>('render', bytes, scale);
}
