// Packing slips in the database: store an upload once, keep what was read from it, take a person's review, and
// receive it through the same ingest path as the tablets' scans.
import { createHash } from 'node:crypto';
import type { Queryable, Sql } from '../../db/connect';
import { checkEvent, MAX_QTY, type ScanEvent } from '#domain/events';
import {
  MAX_SLIP_LINES,
  type ParsedLine,
  type Parser,
  type Review,
  type SlipStatus,
  type TextLayer
} from '#domain/slip';
import type { SlipContentType } from '#domain/slip-files';
import { poNumberKey, receiptRefusal } from '#domain/purchase-orders';
import { ApiError } from '../../http/errors';
import type { ReadResult } from './reader';
import type { VolumeStore } from './volume';
import { findPoByNumber, receiveAgainstPo, slipPurchaseOrder } from '../purchasing/orders';
import { pushEventsIn } from '../sync/push';

export interface SlipRow {
  slip_id: string;
  device_id: string;
  status: SlipStatus;
  supplier: string | null;
  slip_number: string | null;
  po_number: string | null;
  slip_date: string | null;
  parser: Parser | null;
  parse_error: string | null;
  failure_reason: string | null; // why the file could not be read (status 'failed'), kept after a review by hand
  captured_at: Date;
  uploaded_at: Date;
  uploaded_by: string | null;
  parsed_at: Date | null;
  location_id: string | null;
  received_at: Date | null;
  received_by: string | null;
  line_count: number;
  total_qty: number;
}

export interface UploadFile {
  contentType: SlipContentType;
  bytes: Uint8Array;
}

export interface NewSlip {
  slip_id: string;
  device_id: string;
  captured_at: string;
  text_layer: TextLayer | null;
  files: UploadFile[];
}

const EXT: Record<SlipContentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic'
};

const SLIP_COLUMNS = (sql: Queryable) => sql`
  s.slip_id::text, s.device_id, s.status, s.supplier, s.slip_number, s.po_number, to_char(s.slip_date, 'YYYY-MM-DD') AS slip_date,
  s.parser, s.parse_error, s.failure_reason, s.captured_at, s.uploaded_at, s.uploaded_by, s.parsed_at, s.location_id, s.received_at, s.received_by,
  (SELECT count(*)::int FROM packing_slip_lines l WHERE l.slip_id = s.slip_id) AS line_count,
  (SELECT coalesce(sum(qty), 0)::int FROM packing_slip_lines l WHERE l.slip_id = s.slip_id) AS total_qty`;

export async function findSlip(sql: Queryable, slipId: string): Promise<SlipRow | undefined> {
  const [row] = await sql<SlipRow[]>`SELECT ${SLIP_COLUMNS(sql)} FROM packing_slips s WHERE s.slip_id = ${slipId}`;
  return row;
}

export async function listSlips(
  sql: Queryable,
  f: { status?: SlipStatus; limit: number; offset: number }
): Promise<SlipRow[]> {
  return sql<SlipRow[]>`
    SELECT ${SLIP_COLUMNS(sql)} FROM packing_slips s
    WHERE ${f.status ? sql`s.status = ${f.status}` : sql`true`}
    ORDER BY s.uploaded_at DESC, s.slip_id LIMIT ${f.limit} OFFSET ${f.offset}`;
}

export async function slipDetail(sql: Queryable, slipId: string) {
  const slip = await findSlip(sql, slipId);
  if (!slip) throw new ApiError(404, 'not_found', `No packing slip ${slipId}.`);
  const [files, lines] = await Promise.all([
    sql`SELECT page, content_type, size_bytes, sha256 FROM packing_slip_files WHERE slip_id = ${slipId} ORDER BY page`,
    sql<
      {
        line_no: number;
        supplier_part: string | null;
        item_id: string | null;
        description: string;
        qty: number;
        unit: string | null;
        lot: string | null;
        confidence: number;
      }[]
    >`
      SELECT line_no, supplier_part, item_id, description, qty, unit, lot, confidence FROM packing_slip_lines
      WHERE slip_id = ${slipId} ORDER BY line_no`
  ]);
  // Ordered vs shipped for the review screen: the PO the slip names (found by its number), live.
  return { ...slip, files, lines, purchase_order: await slipPurchaseOrder(sql, slip.po_number, lines) };
}

/** Stores a new slip and its files; false when the slip_id is already stored (a retry), which then changes nothing. */
export async function storeSlip(
  sql: Sql,
  s: NewSlip,
  user: string | null,
  volume: VolumeStore | null
): Promise<boolean> {
  if (await findSlip(sql, s.slip_id)) return false;
  // Volume writes happen first and are idempotent by name: a failed transaction leaves at worst a file to overwrite.
  const files = await Promise.all(
    s.files.map(async (f, i) => ({
      slip_id: s.slip_id,
      page: i + 1,
      content_type: f.contentType,
      size_bytes: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
      data: volume ? null : Buffer.from(f.bytes),
      volume_path: volume
        ? await volume.put(`${s.slip_id}/${i + 1}.${EXT[f.contentType]}`, f.bytes, f.contentType)
        : null
    }))
  );
  return sql.begin(async (tx) => {
    const [created] = await tx`
      INSERT INTO packing_slips (slip_id, device_id, status, captured_at, uploaded_by, text_layer)
      VALUES (${s.slip_id}, ${s.device_id}, 'uploaded', ${s.captured_at}, ${user}, ${s.text_layer ? tx.json(s.text_layer as never) : null})
      ON CONFLICT (slip_id) DO NOTHING RETURNING slip_id`;
    if (!created) return false;
    await tx`INSERT INTO packing_slip_files ${tx(files)}`;
    return true;
  });
}

type FileRow = { content_type: SlipContentType; data: Buffer | null; volume_path: string | null };

async function fileBytes(r: FileRow, volume: VolumeStore | null): Promise<UploadFile> {
  if (r.data) return { contentType: r.content_type, bytes: new Uint8Array(r.data) };
  if (!volume)
    throw new ApiError(
      503,
      'volume_unavailable',
      `The slip's files are in a volume (${r.volume_path}) and SLIP_VOLUME_PATH is not set.`
    );
  return { contentType: r.content_type, bytes: await volume.get(r.volume_path!) };
}

export async function slipFiles(sql: Queryable, slipId: string, volume: VolumeStore | null): Promise<UploadFile[]> {
  const rows = await sql<
    FileRow[]
  >`SELECT content_type, data, volume_path FROM packing_slip_files WHERE slip_id = ${slipId} ORDER BY page`;
  return Promise.all(rows.map((r) => fileBytes(r, volume)));
}

/** One file of a slip, or undefined when it has no such page. */
export async function slipFile(
  sql: Queryable,
  slipId: string,
  page: number,
  volume: VolumeStore | null
): Promise<UploadFile | undefined> {
  const [row] = await sql<
    FileRow[]
  >`SELECT content_type, data, volume_path FROM packing_slip_files WHERE slip_id = ${slipId} AND page = ${page}`;
  return row ? fileBytes(row, volume) : undefined;
}

/** Item ids for supplier part numbers: what receiving taught us first, else a part number that is our own item id. */
async function mapItems(sql: Queryable, supplier: string | null, lines: ParsedLine[]): Promise<ParsedLine[]> {
  const parts = [...new Set(lines.map((l) => l.supplier_part).filter((p): p is string => !!p))];
  if (!parts.length) return lines;
  const rows = await sql<{ supplier_part: string; item_id: string }[]>`
    SELECT supplier_part, item_id FROM supplier_items WHERE supplier = ${supplier ?? ''} AND supplier_part = ANY(${parts}::text[])
    UNION ALL
    SELECT item_id, item_id FROM items WHERE item_id = ANY(${parts}::text[]) AND NOT placeholder`;
  const known = new Map<string, string>();
  for (const r of rows) if (!known.has(r.supplier_part)) known.set(r.supplier_part, r.item_id);
  return lines.map((l) => ({
    ...l,
    item_id: l.item_id ?? (l.supplier_part ? (known.get(l.supplier_part) ?? null) : null)
  }));
}

// What was read is cut to what a review may send back, so saving an untouched review never fails on length.
const clip = (s: string | null | undefined, max: number) => (s ? s.slice(0, max) : null);
const fit = (l: ParsedLine): ParsedLine => ({
  ...l,
  supplier_part: clip(l.supplier_part, 64),
  description: l.description.slice(0, 500),
  unit: clip(l.unit, 16),
  lot: clip(l.lot, 64),
  qty: Math.min(l.qty, MAX_QTY)
});

/** Keeps what the reader found, once: a slip that is already parsed (by a concurrent request) is left alone. */
export async function saveParse(sql: Sql, slipId: string, read: ReadResult): Promise<void> {
  const lines = await mapItems(sql, clip(read.slip.supplier, 200), read.slip.lines.slice(0, MAX_SLIP_LINES).map(fit));
  await sql.begin(async (tx) => {
    const [slip] = await tx`SELECT status FROM packing_slips WHERE slip_id = ${slipId} FOR UPDATE`;
    if (slip?.status !== 'uploaded') return;
    await tx`
      UPDATE packing_slips SET status = 'parsed', parser = ${read.parser}, parse_error = ${read.error}, parsed_at = now(),
        supplier = ${clip(read.slip.supplier, 200)}, slip_number = ${clip(read.slip.slip_number, 64)}, po_number = ${clip(read.slip.po_number, 64)},
        slip_date = ${read.slip.date}, po_id = ${poIdOf(tx, clip(read.slip.po_number, 64))}
      WHERE slip_id = ${slipId}`;
    await insertLines(tx, slipId, lines);
  });
}

/**
 * Marks an uploaded slip whose file could not be read (or would cost too much to read) as failed, with the reason, so
 * no retry reads it again; its lines can still be entered by hand. Nothing else is written.
 */
export async function failSlip(sql: Sql, slipId: string, reason: string): Promise<void> {
  await sql`
    UPDATE packing_slips SET status = 'failed', failure_reason = ${reason.slice(0, 1000)}
    WHERE slip_id = ${slipId} AND status = 'uploaded'`;
}

/** The PO a slip's PO field names, as a subquery (NULL when it names none of ours). */
const poIdOf = (tx: Queryable, poNumber: string | null) => {
  const key = poNumberKey(poNumber);
  return key ? tx`(SELECT po_id FROM purchase_orders WHERE po_number = ${key})` : null;
};

async function insertLines(tx: Queryable, slipId: string, lines: ParsedLine[]) {
  if (!lines.length) return;
  const rows = lines.map((l, i) => ({
    slip_id: slipId,
    line_no: i + 1,
    supplier_part: l.supplier_part ?? null,
    item_id: l.item_id ?? null,
    description: l.description,
    qty: l.qty,
    unit: l.unit ?? null,
    lot: l.lot ?? null,
    confidence: l.confidence
  }));
  await tx`INSERT INTO packing_slip_lines ${tx(rows)}`;
}

async function unknownItems(sql: Queryable, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await sql<{ item_id: string }[]>`SELECT item_id FROM items WHERE item_id = ANY(${ids}::text[])`;
  const known = new Set(rows.map((r) => r.item_id));
  return [...new Set(ids.filter((id) => !known.has(id)))];
}

/** Replaces the lines with the reviewed ones (a failed slip becomes parsed, by hand); a received slip is history and
 *  stays as it was received. */
export async function reviewSlip(sql: Sql, slipId: string, review: Review): Promise<void> {
  const unknown = await unknownItems(
    sql,
    review.lines.flatMap((l) => (l.item_id ? [l.item_id] : []))
  );
  if (unknown.length)
    throw new ApiError(422, 'unknown_item', `Unknown item ids: ${unknown.join(', ')}.`, { item_ids: unknown });
  await sql.begin(async (tx) => {
    const [slip] = await tx<
      { status: SlipStatus }[]
    >`SELECT status FROM packing_slips WHERE slip_id = ${slipId} FOR UPDATE`;
    if (!slip) throw new ApiError(404, 'not_found', `No packing slip ${slipId}.`);
    if (slip.status === 'received')
      throw new ApiError(409, 'already_received', 'This slip is received; its lines can no longer change.');
    await tx`
      UPDATE packing_slips SET status = 'parsed', parser = COALESCE(parser, 'manual'), parsed_at = COALESCE(parsed_at, now()),
        supplier = ${review.supplier ?? null}, slip_number = ${review.slip_number ?? null}, po_number = ${review.po_number ?? null},
        slip_date = ${review.date ?? null}, po_id = ${poIdOf(tx, review.po_number ?? null)}
      WHERE slip_id = ${slipId}`;
    await tx`DELETE FROM packing_slip_lines WHERE slip_id = ${slipId}`;
    await insertLines(
      tx,
      slipId,
      review.lines.map((l) => ({
        ...l,
        supplier_part: l.supplier_part ?? null,
        unit: l.unit ?? null,
        lot: l.lot ?? null
      }))
    );
  });
}

/** UUIDv5 (RFC 9562) of the line in the slip's own namespace: the same slip line always makes the same event. */
export function lineEventId(slipId: string, lineNo: number): string {
  const ns = Buffer.from(slipId.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(`packing-slip-line:${lineNo}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Each slip is its own source of events (device `slip:<id>`, sequence = line number), so no tablet's numbering is touched. */
export const slipDeviceId = (slipId: string) => `slip:${slipId}`;

export interface ReceiveRequest {
  location_id: string;
  station_id?: string | null;
}

/**
 * One INTAKE per line through the tablets' ingest path, exactly as scans. The event ids are derived from the slip and
 * line, so a second receive (a retry, a double tap, two tablets) answers duplicate and never moves stock twice.
 * When the slip names one of our purchase orders, the same transaction raises what the PO's lines received and moves
 * its status: stock and PO move together or not at all. A slip without a PO (or naming none of ours) receives alone.
 */
export async function receiveSlip(
  sql: Sql,
  slipId: string,
  req: ReceiveRequest,
  user: string | null,
  requireKnownItems: boolean
) {
  const slip = await findSlip(sql, slipId);
  if (!slip) throw new ApiError(404, 'not_found', `No packing slip ${slipId}.`);
  if (slip.status === 'received')
    throw new ApiError(
      409,
      'already_received',
      `This slip was received at ${slip.received_at!.toISOString()} by ${slip.received_by ?? 'someone'}.`
    );
  const [location] = await sql`SELECT 1 FROM locations WHERE location_id = ${req.location_id}`;
  if (!location) throw new ApiError(422, 'unknown_location', `Unknown location ${req.location_id}.`);
  const lines = await sql<
    { line_no: number; item_id: string | null; qty: number; lot: string | null; supplier_part: string | null }[]
  >`
    SELECT line_no, item_id, qty, lot, supplier_part FROM packing_slip_lines WHERE slip_id = ${slipId} ORDER BY line_no`;
  if (!lines.length) throw new ApiError(422, 'no_lines', 'The slip has no lines to receive: enter them first.');
  const unmapped = lines.filter((l) => !l.item_id).map((l) => l.line_no);
  if (unmapped.length)
    throw new ApiError(
      422,
      'unmapped_lines',
      `Pick an item for line${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')} before receiving.`,
      {
        lines: unmapped
      }
    );
  // Said before anything is written; checked again under the PO's lock inside the transaction.
  const po = await findPoByNumber(sql, slip.po_number);
  const refusal = po ? receiptRefusal(po.status, po.po_number) : null;
  if (po && refusal) throw new ApiError(409, 'po_not_receivable', refusal, { po_id: po.po_id, status: po.status });

  const events: ScanEvent[] = lines.map((l) => ({
    event_id: lineEventId(slipId, l.line_no),
    device_seq: l.line_no,
    event_type: 'INTAKE',
    item_id: l.item_id!,
    qty: l.qty,
    location_id: req.location_id,
    station_id: req.station_id ?? null,
    barcode_raw: null,
    lot: l.lot,
    source: 'packing_slip',
    captured_at: slip.captured_at.toISOString(),
    operator: null,
    packing_slip_id: slipId,
    voids_event_id: null
  }));
  // Checked as the ingest will check them, so a slip is received whole or not at all.
  const invalid = events.flatMap((e, i) => {
    const checked = checkEvent(e);
    return checked.ok ? [] : [{ line: lines[i].line_no, reason: checked.reason }];
  });
  if (invalid.length)
    throw new ApiError(422, 'invalid_lines', `Line ${invalid[0].line} cannot be received: ${invalid[0].reason}`, {
      lines: invalid
    });

  return sql.begin(async (tx) => {
    const pushed = await pushEventsIn(
      tx,
      {
        device_id: slipDeviceId(slipId),
        events,
        device_name: `Packing slip ${slip.slip_number ?? slipId}`,
        station_id: req.station_id ?? undefined,
        location_id: req.location_id
      },
      { userEmail: user, requireKnownItems }
    );
    const rejected = pushed.results.filter((r) => r.status === 'rejected');
    if (rejected.length)
      throw new ApiError(
        409,
        'receive_rejected',
        `${rejected.length} line(s) could not be received: ${rejected[0].reason}`,
        { results: pushed.results }
      );

    // Only what this receive applied counts against the PO: a retry answered duplicate adds nothing.
    const applied = events.filter((_, i) => pushed.results[i].status === 'applied');
    if (po && applied.length) await receiveAgainstPo(tx, po.po_id, slipId, applied, user);
    await tx`
      UPDATE packing_slips SET status = 'received', received_at = now(), received_by = ${user}, location_id = ${req.location_id},
        po_id = ${po?.po_id ?? null}::uuid
      WHERE slip_id = ${slipId} AND status <> 'received'`;
    // Every confirmed mapping teaches the next slip from this supplier.
    const learned = lines
      .filter((l) => l.supplier_part)
      .map((l) => ({ supplier: slip.supplier ?? '', supplier_part: l.supplier_part!, item_id: l.item_id! }));
    const unique = [...new Map(learned.map((l) => [l.supplier_part, l])).values()];
    if (unique.length)
      await tx`
        INSERT INTO supplier_items ${tx(unique)}
        ON CONFLICT (supplier, supplier_part) DO UPDATE SET item_id = EXCLUDED.item_id, updated_at = now(),
          confirmed = CASE WHEN supplier_items.item_id = EXCLUDED.item_id THEN supplier_items.confirmed + 1 ELSE 1 END`;
    return pushed.results;
  });
}
