// PDFs in Node with pdf.js: the positioned text of every page, and the pages drawn to PNG for the vision model.
// The work happens in worker threads (pdf.worker.mjs says why): at most PDF_WORKERS PDFs are read at once, each in a
// worker of its own with a heap limit and a wall-clock limit, so one hostile PDF never stalls the others; a worker
// that failed, ran out of heap or took too long is ended and the next PDF gets a fresh one.
import { Worker } from 'node:worker_threads';
import type { TextLayer } from '#domain/slip';
import { PDF_LIMITS } from './pdf-scan.mjs';

export type PdfFailure = 'unreadable_pdf' | 'pdf_too_costly';

/** A PDF that cannot be read (damaged, password-protected) or would cost more than a packing slip may. */
export class UnreadablePdf extends Error {
  constructor(
    message: string,
    readonly code: PdfFailure = 'unreadable_pdf'
  ) {
    super(message);
  }
}

/** Every reader is busy and many PDFs wait already: try again shortly (nothing is wrong with the PDF). */
export class PdfReaderBusy extends Error {}

export const MAX_PDF_PAGES = PDF_LIMITS.maxPages;
/** PDFs read at once; more wait their turn. */
export const PDF_WORKERS = 2;
/** PDFs that may wait for a reader before a new one is refused as busy. */
const MAX_WAITING = 32;
/** Wall-clock limits of one read (a 50-page slip reads in about 2 s and draws in about 20 s here). */
const TEXT_TIMEOUT_MS = 20_000;
const RENDER_TIMEOUT_MS = 60_000;
/** The heap a reader may use; pdf.js reads a slip in a few tens of MB. */
const WORKER_HEAP_MB = 256;
/** An idle reader is ended after this long, so the memory it holds is given back. */
const IDLE_MS = 30_000;

type Op = 'text' | 'render';
type Reply = { ok: true; result: unknown } | { ok: false; code: PdfFailure; message: string };
interface Job {
  op: Op;
  bytes: Uint8Array;
  scale: number;
  maxPages: number;
  timeoutMs: number;
  resolve(result: unknown): void;
  reject(e: Error): void;
}
interface Slot {
  worker: Worker;
  job: Job | null;
  timer?: NodeJS.Timeout;
}

const slots = new Set<Slot>();
const waiting: Job[] = [];
/** Reads given to a reader since the server started, by kind: a PDF is read once (tests count them). */
const started: Record<Op, number> = { text: 0, render: 0 };

function spawn(): Slot {
  const worker = new Worker(new URL('./pdf.worker.mjs', import.meta.url), {
    execArgv: [], // plain JavaScript: no TypeScript loader to start (it tripled a worker's start-up)
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 }
  });
  worker.unref(); // an idle reader never keeps the server from exiting
  const slot: Slot = { worker, job: null };
  slots.add(slot);
  worker.on('message', (m: Reply) =>
    finish(slot, m.ok ? { result: m.result } : { error: new UnreadablePdf(m.message, m.code) })
  );
  worker.on('error', (e: Error & { code?: string }) =>
    finish(slot, {
      error:
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new UnreadablePdf(
              `The PDF is too costly to read: reading it needs more than ${WORKER_HEAP_MB} MB of memory.`,
              'pdf_too_costly'
            )
          : new UnreadablePdf(`The PDF cannot be read: the reader failed (${e.message}).`)
    })
  );
  worker.on('exit', () => finish(slot, { error: new UnreadablePdf('The PDF cannot be read: the reader stopped.') }));
  return slot;
}

function start(slot: Slot, job: Job) {
  clearTimeout(slot.timer);
  slot.job = job;
  started[job.op] += 1;
  slot.timer = setTimeout(
    () =>
      finish(slot, {
        error: new UnreadablePdf(
          `The PDF is too costly to read: reading it took longer than ${job.timeoutMs / 1000} s.`,
          'pdf_too_costly'
        )
      }),
    job.timeoutMs
  );
  // pdf.js takes ownership of the buffer it is given, so it gets a copy, moved rather than copied again.
  const copy = job.bytes.slice();
  slot.worker.postMessage({ op: job.op, bytes: copy, scale: job.scale, maxPages: job.maxPages }, [
    copy.buffer as ArrayBuffer
  ]);
}

/** A job's outcome: the worker that failed it (or was ended) is retired; an idle one waits for the next job. */
function finish(slot: Slot, outcome: { result: unknown } | { error: Error }) {
  clearTimeout(slot.timer);
  const job = slot.job;
  slot.job = null;
  if ('error' in outcome) {
    if (slots.delete(slot)) {
      void slot.worker.terminate();
      // A fresh reader starts now, so the next PDF does not wait for pdf.js to load.
      if (!waiting.length && slots.size < PDF_WORKERS) idle(spawn());
    }
  } else if (slots.has(slot)) idle(slot);
  if (job) {
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.result);
  }
  pump();
}

/** An idle reader is ended after IDLE_MS, so the memory it holds is given back. */
function idle(slot: Slot) {
  clearTimeout(slot.timer);
  slot.timer = setTimeout(() => slots.delete(slot) && void slot.worker.terminate(), IDLE_MS);
  slot.timer.unref();
}

function pump() {
  while (waiting.length) {
    let slot = [...slots].find((s) => !s.job);
    if (!slot) {
      if (slots.size >= PDF_WORKERS) return;
      slot = spawn();
    }
    start(slot, waiting.shift()!);
  }
}

function run<T>(op: Op, bytes: Uint8Array, scale: number, maxPages: number, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (waiting.length >= MAX_WAITING)
      return reject(new PdfReaderBusy(`${waiting.length} PDFs are waiting to be read: try again in a minute.`));
    waiting.push({ op, bytes, scale, maxPages, timeoutMs, resolve: resolve as (r: unknown) => void, reject });
    pump();
  });
}

export interface ReadOptions {
  /** The wall-clock limit of this read, in ms. */
  timeoutMs?: number;
}

export interface RenderOptions extends ReadOptions {
  /** Only the first this many pages are drawn (OCR reads at most a few; drawing the rest would be wasted). */
  maxPages?: number;
}

/** The text layer as the browser builds it: baselines measured from the top of each page. One pass: the PDF is
 *  checked (cost bounds, damage) and read at once; an UnreadablePdf says why it was not. */
export function readTextLayer(bytes: Uint8Array, o: ReadOptions = {}): Promise<TextLayer> {
  return run<TextLayer>('text', bytes, 1, MAX_PDF_PAGES, o.timeoutMs ?? TEXT_TIMEOUT_MS);
}

/** Every page (or the first `maxPages`) drawn at `scale` (2 = 144 dpi) as PNG bytes. */
export function renderPages(bytes: Uint8Array, scale = 2, o: RenderOptions = {}): Promise<Uint8Array[]> {
  return run<Uint8Array[]>('render', bytes, scale, o.maxPages ?? MAX_PDF_PAGES, o.timeoutMs ?? RENDER_TIMEOUT_MS);
}

/** How many readers are running, how many PDFs wait, how many reads were started, and the heap limit of each reader:
 *  for tests and the figures. */
export function pdfReaders() {
  return {
    workers: slots.size,
    busy: [...slots].filter((s) => s.job).length,
    waiting: waiting.length,
    reads: { ...started },
    heapLimitsMb: [...slots].map((s) => s.worker.resourceLimits?.maxOldGenerationSizeMb)
  };
}
