// Packing slips on the tablet: a database of its own ('linesync-slips', apart from the station's scans), the original
// stored at once at capture, then prepared (photos downscaled, PDFs drawn and their text kept) and uploaded when the
// network allows. The original stays until the slip is received.
import Dexie, { type EntityTable } from 'dexie';
import type { SlipStatus, TextLayer } from '../domain/slip';
import { CLIENT_HEADERS } from '../domain/client-header';
import { MAX_SLIP_BYTES, MAX_SLIP_FILES } from '../domain/slip';

export interface StoredFile {
  name: string;
  type: string;
  blob: Blob;
}

export interface SlipRow {
  slip_id: string;
  device_id: string;
  status: SlipStatus;
  created_at: number;
  captured_at: string;
  originals: StoredFile[];
  /** What goes to the server: downscaled photos, PDFs as they are. Null until prepared. */
  upload: StoredFile[] | null;
  /** Page images for the review screen. */
  pages: Blob[];
  text_layer: TextLayer | null;
  /** The last thing that went wrong, in words; `refused` when the server said no (retrying will not help). */
  error: string | null;
  refused: boolean;
  /** The server's answer to the upload: supplier, slip number, line count. */
  summary: { supplier: string | null; slip_number: string | null; line_count: number; parser: string | null } | null;
}

export type SlipDb = Dexie & { slips: EntityTable<SlipRow, 'slip_id'> };

export function openSlipDb(name = 'linesync-slips'): SlipDb {
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as SlipDb;
  db.version(1).stores({ slips: '&slip_id, status, created_at' });
  return db;
}

/** Stores the captured files at once; refuses what the server would refuse anyway, before anything is kept. */
export async function captureSlip(
  db: SlipDb,
  files: File[],
  deviceId: string,
  now = Date.now()
): Promise<{ ok: true; slip_id: string } | { ok: false; reason: string }> {
  if (!files.length) return { ok: false, reason: 'No file was chosen.' };
  if (files.length > MAX_SLIP_FILES) return { ok: false, reason: `A slip may have at most ${MAX_SLIP_FILES} files.` };
  if (files.some((f) => f.size === 0))
    return { ok: false, reason: `${files.find((f) => f.size === 0)!.name} is empty.` };
  const total = files.reduce((s, f) => s + f.size, 0);
  if (total > MAX_SLIP_BYTES)
    return { ok: false, reason: `A slip may be at most 20 MB; these files are ${(total / 1048576).toFixed(1)} MB.` };
  const slip_id = crypto.randomUUID();
  await db.slips.add({
    slip_id,
    device_id: deviceId,
    status: 'captured',
    created_at: now,
    captured_at: new Date(now).toISOString(),
    originals: files.map((f) => ({ name: f.name || 'capture', type: f.type, blob: f })),
    upload: null,
    pages: [],
    text_layer: null,
    error: null,
    refused: false,
    summary: null
  });
  return { ok: true, slip_id };
}

export function listSlips(db: SlipDb): Promise<SlipRow[]> {
  return db.slips.orderBy('created_at').reverse().toArray();
}

/** Draws and downscales what was captured; the pdf.js part loads only now, never with the page. */
export async function prepareSlip(db: SlipDb, slipId: string): Promise<void> {
  const row = await db.slips.get(slipId);
  if (!row || row.upload) return;
  const { preparePdf, downscalePhoto } = await import('./slip-render');
  const upload: StoredFile[] = [];
  const pages: Blob[] = [];
  let textLayer: TextLayer | null = null;
  try {
    for (const f of row.originals) {
      if (f.type === 'application/pdf' || /\.pdf$/i.test(f.name)) {
        const pdf = await preparePdf(f.blob);
        pages.push(...pdf.pages);
        textLayer = [...(textLayer ?? []), ...pdf.textLayer];
        upload.push(f);
      } else {
        const photo = await downscalePhoto(f.blob);
        pages.push(photo ?? f.blob);
        upload.push(photo ? { name: f.name.replace(/\.[^.]*$/, '') + '.jpg', type: 'image/jpeg', blob: photo } : f);
      }
    }
  } catch (e) {
    await db.slips.update(slipId, { error: `This file cannot be read: ${(e as Error).message}`, refused: true });
    return;
  }
  await db.slips.update(slipId, { upload, pages, text_layer: textLayer, error: null });
}

interface UploadAnswer {
  status: SlipStatus;
  supplier: string | null;
  slip_number: string | null;
  line_count: number;
  parser: string | null;
}

/** Sends every prepared slip not yet uploaded. A refusal stays on the tablet, visible; a network failure is retried;
 *  a slip the server kept but could not read is failed, to be entered by hand. */
export async function uploadPending(db: SlipDb, baseUrl = '', send: typeof fetch = fetch): Promise<number> {
  const waiting = await db.slips.where('status').equals('captured').toArray();
  let sent = 0;
  for (const row of waiting) {
    if (!row.upload) await prepareSlip(db, row.slip_id);
    const ready = await db.slips.get(row.slip_id);
    if (!ready?.upload || ready.refused) continue;
    const form = new FormData();
    form.set('slip_id', ready.slip_id);
    form.set('device_id', ready.device_id);
    form.set('captured_at', ready.captured_at);
    if (ready.text_layer) form.set('text_layer', JSON.stringify(ready.text_layer));
    for (const f of ready.upload) form.append('files', new File([f.blob], f.name, { type: f.type }));
    let res: Response;
    try {
      res = await send(`${baseUrl}/api/packing-slips`, { method: 'POST', headers: CLIENT_HEADERS, body: form });
    } catch {
      await db.slips.update(row.slip_id, { error: 'Waiting for the network.' });
      continue;
    }
    const body = await res.json().catch(() => null);
    if (res.ok && body) {
      const a = body as UploadAnswer;
      await db.slips.update(row.slip_id, {
        status: a.status,
        error: null,
        summary: { supplier: a.supplier, slip_number: a.slip_number, line_count: a.line_count, parser: a.parser }
      });
      sent++;
    } else if (res.status === 422 && body?.error?.details?.slip?.status === 'failed') {
      // The server kept the slip but cannot read its file: it is entered by hand on the review screen, not sent again.
      const a = body.error.details.slip as UploadAnswer;
      await db.slips.update(row.slip_id, {
        status: 'failed',
        error: String(body.error.message),
        refused: false,
        summary: { supplier: a.supplier, slip_number: a.slip_number, line_count: a.line_count, parser: a.parser }
      });
      sent++;
    } else {
      const message = body?.error?.message ?? `The server answered ${res.status}.`;
      const retry = res.status >= 500 || res.status === 408 || res.status === 429;
      await db.slips.update(row.slip_id, { error: message, refused: !retry });
    }
  }
  return sent;
}

/** Received: the server holds the files and the events, so the tablet lets go of the originals. */
export async function markReceived(db: SlipDb, slipId: string): Promise<void> {
  await db.slips.update(slipId, { status: 'received', originals: [], upload: [], error: null });
}

export async function markParsed(db: SlipDb, slipId: string, status: SlipStatus): Promise<void> {
  await db.slips.update(slipId, { status });
}

export async function forgetSlip(db: SlipDb, slipId: string): Promise<void> {
  await db.slips.delete(slipId);
}
