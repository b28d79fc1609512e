// Purchase orders in the database: read them with their totals, draft and edit them, move them by the status rules
// (src/lib/domain/purchase-orders.ts), draft them from replenishment signals, and raise what was received when a
// packing slip that names one is received. Every status change is a history row, in the transaction that made it.
import { randomUUID } from 'node:crypto';
import type { Queryable, TransactionSql } from '../../db/connect';
import { containsPattern as like } from '../../db/search';
import { ApiError } from '../../http/errors';
import {
  allocateReceipt,
  allowedActions,
  formatPoNumber,
  isEditable,
  isOverReceived,
  onTimeRate,
  orderQtyForSignal,
  PO_ACTIONS,
  poNumberKey,
  receiptRefusal,
  statusAfterReceipt,
  transitionRefusal,
  type PoAction,
  type PoCreate,
  type PoDetail,
  type PoEdit,
  type PoHistoryView,
  type PoLineInput,
  type PoLineView,
  type PoSlipView,
  type PoStatus,
  type PoView,
  type SlipPoView
} from '#domain/purchase-orders';
import { announce } from '../live/changes';
import { appendSignals } from '../sync/push';

type PoRow = PoView<Date>;

/** The overdue rule, once: a date set and passed, and the order still open. The list shows it and filters on it. */
const OVERDUE = (sql: Queryable) =>
  sql`coalesce(p.expected_date < current_date AND p.status NOT IN ('RECEIVED', 'CANCELLED'), false)`;

const PO_SELECT = (sql: Queryable) => sql`
  SELECT p.po_id::text, p.po_number, p.supplier_id, s.name AS supplier_name, p.status,
         to_char(p.expected_date, 'YYYY-MM-DD') AS expected_date, p.note, p.created_by, p.created_at, p.updated_at, p.version,
         coalesce(l.line_count, 0)::int AS line_count, coalesce(l.qty_ordered, 0)::int AS qty_ordered,
         coalesce(l.qty_received, 0)::int AS qty_received, l.total_price,
         ${OVERDUE(sql)} AS overdue,
         coalesce(l.over_received, false) AS over_received
  FROM purchase_orders p
  JOIN suppliers s ON s.supplier_id = p.supplier_id
  LEFT JOIN LATERAL (
    SELECT count(*) AS line_count, sum(qty_ordered) AS qty_ordered, sum(qty_received) AS qty_received,
           -- a total only when every line has a price: a partial sum would read as the order's value
           CASE WHEN count(price) = count(*) THEN sum(qty_ordered * price)::float8 END AS total_price,
           bool_or(qty_received > qty_ordered) AS over_received
    FROM purchase_order_lines WHERE po_id = p.po_id
  ) l ON true`;

interface PoFilter {
  status?: PoStatus;
  supplier_id?: string;
  overdue?: 'true' | 'false';
  q?: string;
  limit: number;
  offset: number;
}

export async function listPurchaseOrders(sql: Queryable, f: PoFilter): Promise<{ rows: PoRow[]; total: number }> {
  const where = () => sql`
    WHERE true
      ${f.status ? sql`AND p.status = ${f.status}` : sql``}
      ${f.supplier_id ? sql`AND p.supplier_id = ${f.supplier_id}` : sql``}
      ${f.overdue === 'true' ? sql`AND ${OVERDUE(sql)}` : f.overdue === 'false' ? sql`AND NOT ${OVERDUE(sql)}` : sql``}
      ${f.q ? sql`AND (p.po_number ILIKE ${like(f.q)} OR s.name ILIKE ${like(f.q)})` : sql``}`;
  const [rows, [{ total }]] = await Promise.all([
    sql<PoRow[]>`${PO_SELECT(sql)} ${where()} ORDER BY p.created_at DESC, p.po_id LIMIT ${f.limit} OFFSET ${f.offset}`,
    sql<
      { total: number }[]
    >`SELECT count(*)::int AS total FROM purchase_orders p JOIN suppliers s ON s.supplier_id = p.supplier_id ${where()}`
  ]);
  return { rows, total };
}

async function findPo(sql: Queryable, poId: string): Promise<PoRow | undefined> {
  const [row] = await sql<PoRow[]>`${PO_SELECT(sql)} WHERE p.po_id = ${poId}::uuid`;
  return row;
}

async function poLines(sql: Queryable, poId: string): Promise<PoLineView[]> {
  const rows = await sql<Omit<PoLineView, 'over_received'>[]>`
    SELECT l.line_no, l.item_id, i.description, l.qty_ordered, l.qty_received, l.unit, l.price::float8 AS price, l.signal_id::text
    FROM purchase_order_lines l JOIN items i USING (item_id)
    WHERE l.po_id = ${poId}::uuid ORDER BY l.line_no`;
  return rows.map((r) => ({ ...r, over_received: isOverReceived(r) }));
}

export async function purchaseOrderDetail(sql: Queryable, poId: string): Promise<PoDetail<Date>> {
  const po = await findPo(sql, poId);
  if (!po) throw new ApiError(404, 'not_found', `No purchase order ${poId}.`);
  const [lines, history, slips] = await Promise.all([
    poLines(sql, poId),
    sql<PoHistoryView<Date>[]>`
      SELECT from_status, to_status, changed_by, changed_at, slip_id::text FROM purchase_order_status_history
      WHERE po_id = ${poId}::uuid ORDER BY history_id`,
    sql<PoSlipView<Date>[]>`
      SELECT s.slip_id::text, s.slip_number, s.status, s.received_at, s.received_by,
             (SELECT coalesce(sum(qty), 0)::int FROM packing_slip_lines l WHERE l.slip_id = s.slip_id) AS total_qty
      FROM packing_slips s WHERE s.po_id = ${poId}::uuid ORDER BY s.received_at NULLS LAST, s.uploaded_at`
  ]);
  return { ...po, lines, history, slips, actions: allowedActions(po.status, lines) };
}

/** Appends one history row: the only way a PO's status is recorded as changed. */
async function recordStatus(
  tx: Queryable,
  poId: string,
  from: PoStatus | null,
  to: PoStatus,
  user: string | null,
  slipId: string | null = null
) {
  await tx`INSERT INTO purchase_order_status_history (po_id, from_status, to_status, changed_by, slip_id)
           VALUES (${poId}::uuid, ${from}, ${to}, ${user}, ${slipId}::uuid)`;
}

/** The board shows each signal's PO status: tell the live pages when a PO answering signals moves. */
async function announcePoSignals(tx: Queryable, poId: string) {
  const rows = await tx<{ signal_id: string }[]>`
    SELECT signal_id::text FROM purchase_order_lines WHERE po_id = ${poId}::uuid AND signal_id IS NOT NULL`;
  await announce(
    tx,
    [],
    rows.map((r) => r.signal_id)
  );
}

/** The header row, locked for the rest of the transaction: edits, actions and receipts of one PO go one at a time. */
async function lockPo(tx: Queryable, poId: string) {
  const [row] = await tx<
    { po_id: string; po_number: string; status: PoStatus; version: number; supplier_id: string }[]
  >`
    SELECT po_id::text, po_number, status, version, supplier_id FROM purchase_orders WHERE po_id = ${poId}::uuid FOR UPDATE`;
  if (!row) throw new ApiError(404, 'not_found', `No purchase order ${poId}.`);
  return row;
}

async function staleCheck(tx: Queryable, po: { po_id: string; po_number: string; version: number }, version: number) {
  if (po.version !== version)
    throw new ApiError(
      409,
      'conflict',
      `${po.po_number} was changed by someone else since you opened it: review it and try again.`,
      {
        current: await purchaseOrderDetail(tx, po.po_id)
      }
    );
}

/** Signals already answered by a PO that is not cancelled (other than `exceptPo`), with that PO's number. */
async function signalsOnPos(tx: Queryable, ids: string[], exceptPo: string | null): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx<{ signal_id: string; po_number: string }[]>`
    SELECT l.signal_id::text, p.po_number FROM purchase_order_lines l JOIN purchase_orders p USING (po_id)
    WHERE l.signal_id = ANY(${ids}::uuid[]) AND p.status <> 'CANCELLED'
      ${exceptPo ? tx`AND p.po_id <> ${exceptPo}::uuid` : tx``}`;
  return new Map(rows.map((r) => [r.signal_id, r.po_number]));
}

/** Supplier, items and signals of a draft checked against what is stored; 422 naming what is unknown. */
async function checkReferences(tx: Queryable, supplierId: string, lines: PoLineInput[], poId: string | null) {
  const [supplier] = await tx<{ active: boolean }[]>`SELECT active FROM suppliers WHERE supplier_id = ${supplierId}`;
  if (!supplier)
    throw new ApiError(422, 'unknown_supplier', `Unknown supplier ${supplierId}.`, { supplier_id: supplierId });
  if (!supplier.active)
    throw new ApiError(
      422,
      'inactive_supplier',
      `Supplier ${supplierId} is inactive: orders go to active suppliers only.`
    );
  const itemIds = [...new Set(lines.map((l) => l.item_id))];
  const known = itemIds.length
    ? await tx<{ item_id: string }[]>`SELECT item_id FROM items WHERE item_id = ANY(${itemIds}::text[])`
    : [];
  const unknown = itemIds.filter((id) => !known.some((k) => k.item_id === id));
  if (unknown.length)
    throw new ApiError(422, 'unknown_item', `Unknown item ids: ${unknown.slice(0, 10).join(', ')}.`, {
      item_ids: unknown
    });
  const signalIds = lines.flatMap((l) => (l.signal_id ? [l.signal_id.toLowerCase()] : []));
  if (new Set(signalIds).size !== signalIds.length)
    throw new ApiError(422, 'duplicate_signal', 'A signal can be answered by one line only.');
  if (signalIds.length) {
    const found = await tx<{ signal_id: string; item_id: string }[]>`
      SELECT DISTINCT signal_id::text, item_id FROM replenishment_signals WHERE signal_id = ANY(${signalIds}::uuid[])`;
    const missing = signalIds.filter((id) => !found.some((f) => f.signal_id === id));
    if (missing.length)
      throw new ApiError(422, 'unknown_signal', `Unknown signal ids: ${missing.join(', ')}.`, { signal_ids: missing });
    const wrong = lines.find(
      (l) => l.signal_id && found.find((f) => f.signal_id === l.signal_id!.toLowerCase())!.item_id !== l.item_id
    );
    if (wrong)
      throw new ApiError(
        422,
        'signal_item_mismatch',
        `Signal ${wrong.signal_id} is for another item than ${wrong.item_id}.`
      );
    const taken = await signalsOnPos(tx, signalIds, poId);
    if (taken.size) {
      const [id, number] = [...taken][0];
      throw new ApiError(409, 'signal_on_po', `Signal ${id} is already answered by ${number}.`, {
        signals: Object.fromEntries(taken)
      });
    }
  }
}

/** Lines as stored: the item's unit when none is given, and the supplier's catalogue price when none is given. */
async function insertLines(tx: Queryable, poId: string, supplierId: string, lines: PoLineInput[]) {
  if (!lines.length) return;
  const itemIds = [...new Set(lines.map((l) => l.item_id))];
  const [units, prices] = await Promise.all([
    tx<{ item_id: string; unit: string }[]>`SELECT item_id, unit FROM items WHERE item_id = ANY(${itemIds}::text[])`,
    tx<{ item_id: string; price: number }[]>`
      SELECT DISTINCT ON (item_id) item_id, price::float8 AS price FROM supplier_items
      WHERE supplier_id = ${supplierId} AND item_id = ANY(${itemIds}::text[]) AND price IS NOT NULL
      ORDER BY item_id, preferred DESC, confirmed DESC`
  ]);
  const rows = lines.map((l, i) => ({
    po_id: poId,
    line_no: i + 1,
    item_id: l.item_id,
    qty_ordered: l.qty_ordered,
    qty_received: 0,
    unit: l.unit ?? units.find((u) => u.item_id === l.item_id)!.unit,
    price: l.price ?? prices.find((p) => p.item_id === l.item_id)?.price ?? null,
    signal_id: l.signal_id?.toLowerCase() ?? null
  }));
  await tx`INSERT INTO purchase_order_lines ${tx(rows)}`;
}

async function audit(
  tx: Queryable,
  user: string | null,
  poId: string,
  action: string,
  before: unknown,
  after: unknown
) {
  await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
           VALUES (${user}, 'purchase_order', ${poId}, ${action}, ${before === null ? null : tx.json(before as never)}, ${tx.json(after as never)})`;
}

const auditable = (d: PoDetail<Date>) => ({
  po_number: d.po_number,
  supplier_id: d.supplier_id,
  status: d.status,
  expected_date: d.expected_date,
  note: d.note,
  lines: d.lines.map((l) => ({
    item_id: l.item_id,
    qty_ordered: l.qty_ordered,
    unit: l.unit,
    price: l.price,
    signal_id: l.signal_id
  }))
});

/** A new draft; `expectedDays` (the supplier's lead time) stands in for an expected date not given. */
export async function createPurchaseOrder(
  tx: TransactionSql,
  input: PoCreate,
  user: string | null,
  expectedDays?: number
): Promise<string> {
  await checkReferences(tx, input.supplier_id, input.lines, null);
  const poId = randomUUID();
  const [{ n }] = await tx<{ n: string }[]>`SELECT nextval('purchase_order_number_seq')::text AS n`;
  await tx`
    INSERT INTO purchase_orders (po_id, po_number, supplier_id, status, expected_date, note, created_by, updated_by)
    VALUES (${poId}::uuid, ${formatPoNumber(Number(n))}, ${input.supplier_id}, 'DRAFT',
            ${expectedDays === undefined || input.expected_date ? (input.expected_date ?? null) : tx`current_date + ${expectedDays}::int`},
            ${input.note ?? null}, ${user}, ${user})`;
  await insertLines(tx, poId, input.supplier_id, input.lines);
  await recordStatus(tx, poId, null, 'DRAFT', user);
  await audit(tx, user, poId, 'create', null, auditable(await purchaseOrderDetail(tx, poId)));
  return poId;
}

/** The whole draft replaced, at the version the form read: 409 when stale or no longer a draft. */
export async function editPurchaseOrder(
  tx: TransactionSql,
  poId: string,
  edit: PoEdit,
  user: string | null
): Promise<void> {
  const po = await lockPo(tx, poId);
  await staleCheck(tx, po, edit.version);
  if (!isEditable(po.status))
    throw new ApiError(
      409,
      'not_editable',
      `${po.po_number} is ${po.status.toLowerCase().replace('_', ' ')}: only a draft can be edited.`,
      { status: po.status }
    );
  await checkReferences(tx, edit.supplier_id, edit.lines, poId);
  const before = auditable(await purchaseOrderDetail(tx, poId));
  await tx`
    UPDATE purchase_orders SET supplier_id = ${edit.supplier_id}, expected_date = ${edit.expected_date ?? null}, note = ${edit.note ?? null},
           version = version + 1, updated_at = now(), updated_by = ${user}
    WHERE po_id = ${poId}::uuid`;
  await tx`DELETE FROM purchase_order_lines WHERE po_id = ${poId}::uuid`;
  await insertLines(tx, poId, edit.supplier_id, edit.lines);
  await audit(tx, user, poId, 'update', before, auditable(await purchaseOrderDetail(tx, poId)));
}

/** send or cancel, when the rules allow it from the PO's status now: 409 (or 422 for a draft with no lines) otherwise. */
export async function actOnPurchaseOrder(
  tx: TransactionSql,
  poId: string,
  action: PoAction,
  version: number,
  user: string | null
): Promise<void> {
  const po = await lockPo(tx, poId);
  await staleCheck(tx, po, version);
  const lines = await tx<{ qty_ordered: number; qty_received: number }[]>`
    SELECT qty_ordered, qty_received FROM purchase_order_lines WHERE po_id = ${poId}::uuid`;
  const to = PO_ACTIONS[action];
  const refusal = transitionRefusal(po.status, to, lines);
  if (refusal)
    throw new ApiError(refusal.code === 'no_lines' ? 422 : 409, refusal.code, `${po.po_number}: ${refusal.message}`, {
      status: po.status
    });
  await tx`UPDATE purchase_orders SET status = ${to}, version = version + 1, updated_at = now(), updated_by = ${user} WHERE po_id = ${poId}::uuid`;
  await recordStatus(tx, poId, po.status, to, user);
  await announcePoSignals(tx, poId);
}

interface SignalNow {
  signal_id: string;
  item_id: string;
  location_id: string;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'FULFILLED';
  reorder_point: number | null;
  reorder_qty: number | null;
  supplier_id: string | null;
  supplier_name: string | null;
  pack_size: number | null;
  price: number | null;
  lead_time_days: number | null;
  supplier_active: boolean | null;
}

/**
 * Drafts purchase orders for open signals: one PO per preferred supplier, one line per signal with the item's reorder
 * quantity rounded up to the supplier's pack size, expected after the supplier's lead time unless a date is given.
 * An OPEN signal becomes ACKNOWLEDGED (someone acted on it). All or nothing: any signal that cannot be ordered
 * refuses the whole request, saying which and why.
 */
export async function purchaseOrdersFromSignals(
  tx: TransactionSql,
  signalIds: string[],
  expectedDate: string | null,
  user: string | null
): Promise<string[]> {
  const ids = [...new Set(signalIds.map((s) => s.toLowerCase()))].sort();
  // One request at a time per signal, so two supervisors cannot both order the same one.
  for (const id of ids) await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'signal-po:' + id}, 0))`;
  const signals = await tx<SignalNow[]>`
    SELECT g.signal_id::text, g.item_id, g.location_id, g.state, g.reorder_point, i.reorder_qty,
           ps.supplier_id, ps.supplier_name, ps.pack_size, ps.price::float8 AS price, ps.lead_time_days, s.active AS supplier_active
    FROM (SELECT DISTINCT ON (signal_id) signal_id, item_id, location_id, state, reorder_point
          FROM replenishment_signals WHERE signal_id = ANY(${ids}::uuid[]) ORDER BY signal_id, row_id DESC) g
    JOIN items i USING (item_id)
    LEFT JOIN item_preferred_supplier ps USING (item_id)
    LEFT JOIN suppliers s ON s.supplier_id = ps.supplier_id
    ORDER BY g.signal_id`;
  const missing = ids.filter((id) => !signals.some((s) => s.signal_id === id));
  if (missing.length) throw new ApiError(404, 'not_found', `No signal ${missing.join(', ')}.`, { signal_ids: missing });
  const closed = signals.filter((s) => s.state === 'FULFILLED');
  if (closed.length)
    throw new ApiError(
      409,
      'signal_not_open',
      `Signal for ${closed[0].item_id} at ${closed[0].location_id} is fulfilled: nothing to order.`,
      {
        signal_ids: closed.map((s) => s.signal_id)
      }
    );
  const taken = await signalsOnPos(tx, ids, null);
  if (taken.size) {
    const s = signals.find((x) => taken.has(x.signal_id))!;
    throw new ApiError(
      409,
      'signal_on_po',
      `The signal for ${s.item_id} at ${s.location_id} is already answered by ${taken.get(s.signal_id)}.`,
      {
        signals: Object.fromEntries(taken)
      }
    );
  }
  const orphans = signals.filter((s) => !s.supplier_id);
  if (orphans.length)
    throw new ApiError(
      422,
      'no_preferred_supplier',
      `${[...new Set(orphans.map((s) => s.item_id))].join(', ')} ${orphans.length > 1 ? 'have' : 'has'} no preferred supplier: set one in the supplier catalogue first.`,
      { item_ids: [...new Set(orphans.map((s) => s.item_id))] }
    );
  const inactive = signals.find((s) => s.supplier_active === false);
  if (inactive)
    throw new ApiError(
      422,
      'inactive_supplier',
      `${inactive.supplier_name}, the preferred supplier of ${inactive.item_id}, is inactive.`
    );

  const bySupplier = new Map<string, SignalNow[]>();
  for (const s of signals) bySupplier.set(s.supplier_id!, [...(bySupplier.get(s.supplier_id!) ?? []), s]);
  const created: string[] = [];
  for (const [supplierId, group] of bySupplier) {
    const lines: PoLineInput[] = group.map((s) => ({
      item_id: s.item_id,
      qty_ordered: orderQtyForSignal(s.reorder_qty, s.pack_size),
      price: s.price,
      signal_id: s.signal_id
    }));
    created.push(
      await createPurchaseOrder(
        tx,
        { supplier_id: supplierId, expected_date: expectedDate, lines },
        user,
        group[0].lead_time_days ?? 0
      )
    );
  }

  // Ordering is acting on the signal: an OPEN one is acknowledged, as the board's button would.
  const open = signals.filter((s) => s.state === 'OPEN');
  if (open.length) {
    const stock = await tx<{ item_id: string; location_id: string; on_hand: number }[]>`
      SELECT item_id, location_id, on_hand::int FROM stock_levels
      WHERE (item_id, location_id) IN (SELECT * FROM unnest(${open.map((s) => s.item_id)}::text[], ${open.map((s) => s.location_id)}::text[]))
      ORDER BY item_id, location_id FOR UPDATE`;
    await appendSignals(
      tx,
      open.map((s) => ({
        signal_id: s.signal_id,
        item_id: s.item_id,
        location_id: s.location_id,
        state: 'ACKNOWLEDGED' as const,
        triggered_at_qty: null,
        on_hand_at_change: stock.find((r) => r.item_id === s.item_id && r.location_id === s.location_id)?.on_hand ?? 0,
        reorder_point: s.reorder_point,
        event_id: null,
        changed_by: user
      }))
    );
  }
  await announce(
    tx,
    signals.map((s) => [s.item_id, s.location_id]),
    signals.map((s) => s.signal_id)
  );
  return created;
}

// --- Receiving against a PO -----------------------------------------------------------------------------------

interface PoHeader {
  po_id: string;
  po_number: string;
  status: PoStatus;
  supplier_name: string | null;
}

/** The PO a slip's PO field names, if it is one of ours. */
export async function findPoByNumber(sql: Queryable, text: string | null): Promise<PoHeader | undefined> {
  const key = poNumberKey(text);
  if (!key) return undefined;
  const [po] = await sql<PoHeader[]>`
    SELECT p.po_id::text, p.po_number, p.status, s.name AS supplier_name
    FROM purchase_orders p JOIN suppliers s USING (supplier_id) WHERE p.po_number = ${key}`;
  return po;
}

/** For the review screen: the PO the slip names, what it ordered, what came before and what this slip ships. */
export async function slipPurchaseOrder(
  sql: Queryable,
  poNumber: string | null,
  slipLines: { item_id: string | null; qty: number }[]
): Promise<SlipPoView | null> {
  if (!poNumber) return null;
  const po = await findPoByNumber(sql, poNumber);
  const shipped = new Map<string, number>();
  for (const l of slipLines) if (l.item_id) shipped.set(l.item_id, (shipped.get(l.item_id) ?? 0) + l.qty);
  if (!po) return { po_number_read: poNumber, po: null, lines: [] };
  const ordered = await sql<{ item_id: string; qty_ordered: number; qty_received: number }[]>`
    SELECT item_id, sum(qty_ordered)::int AS qty_ordered, sum(qty_received)::int AS qty_received
    FROM purchase_order_lines WHERE po_id = ${po.po_id}::uuid GROUP BY item_id ORDER BY min(line_no)`;
  const lines = ordered.map((o) => ({ ...o, qty_shipped: shipped.get(o.item_id) ?? 0 }));
  // What the slip ships that the PO never ordered, after the PO's own lines.
  for (const [item_id, qty] of shipped)
    if (!ordered.some((o) => o.item_id === item_id))
      lines.push({ item_id, qty_ordered: 0, qty_received: 0, qty_shipped: qty });
  return { po_number_read: poNumber, po: { ...po, refusal: receiptRefusal(po.status, po.po_number) }, lines };
}

/**
 * Inside the slip's receiving transaction: the applied INTAKE quantities raise qty_received on the PO's lines and
 * the status follows. The PO row is locked first, so two stations receiving against one PO queue here and the
 * second reads the first's quantities (no lost update). Only lines whose event was applied count, so a retried
 * receive (answered duplicate) adds nothing.
 */
export async function receiveAgainstPo(
  tx: TransactionSql,
  poId: string,
  slipId: string,
  applied: { item_id: string; qty: number }[],
  user: string | null
): Promise<void> {
  const po = await lockPo(tx, poId);
  const refusal = receiptRefusal(po.status, po.po_number);
  if (refusal) throw new ApiError(409, 'po_not_receivable', refusal, { po_id: poId, status: po.status });
  const lines = await tx<{ line_no: number; item_id: string; qty_ordered: number; qty_received: number }[]>`
    SELECT line_no, item_id, qty_ordered, qty_received FROM purchase_order_lines WHERE po_id = ${poId}::uuid ORDER BY line_no`;
  const shipped = new Map<string, number>();
  for (const a of applied) shipped.set(a.item_id, (shipped.get(a.item_id) ?? 0) + a.qty);
  const add = allocateReceipt(lines, shipped);
  if (add.size) {
    const lineNos = [...add.keys()];
    await tx`
      UPDATE purchase_order_lines l SET qty_received = l.qty_received + a.qty
      FROM unnest(${lineNos}::int[], ${lineNos.map((n) => add.get(n)!)}::int[]) AS a(line_no, qty)
      WHERE l.po_id = ${poId}::uuid AND l.line_no = a.line_no`;
  }
  const after = lines.map((l) => ({ ...l, qty_received: l.qty_received + (add.get(l.line_no) ?? 0) }));
  const to = statusAfterReceipt(po.status, after);
  if (to !== po.status) {
    await tx`UPDATE purchase_orders SET status = ${to}, version = version + 1, updated_at = now(), updated_by = ${user} WHERE po_id = ${poId}::uuid`;
    await recordStatus(tx, poId, po.status, to, user, slipId);
    await announcePoSignals(tx, poId);
  } else if (add.size) {
    await tx`UPDATE purchase_orders SET version = version + 1, updated_at = now(), updated_by = ${user} WHERE po_id = ${poId}::uuid`;
  }
}

// --- Per supplier ----------------------------------------------------------------------------------------------

export async function supplierPurchasing(sql: Queryable, supplierId: string) {
  const [supplier] = await sql`SELECT supplier_id FROM suppliers WHERE supplier_id = ${supplierId}`;
  if (!supplier) throw new ApiError(404, 'not_found', `No supplier ${supplierId}.`);
  const [open, received] = await Promise.all([
    sql<PoRow[]>`${PO_SELECT(sql)} WHERE p.supplier_id = ${supplierId} AND p.status NOT IN ('RECEIVED', 'CANCELLED')
                 ORDER BY p.expected_date NULLS LAST, p.created_at`,
    sql<{ expected_date: string | null; received_on: string }[]>`
      SELECT to_char(p.expected_date, 'YYYY-MM-DD') AS expected_date, to_char(max(h.changed_at)::date, 'YYYY-MM-DD') AS received_on
      FROM purchase_orders p JOIN purchase_order_status_history h ON h.po_id = p.po_id AND h.to_status = 'RECEIVED'
      WHERE p.supplier_id = ${supplierId} AND p.status = 'RECEIVED'
      GROUP BY p.po_id, p.expected_date`
  ]);
  const dated = received.filter((r) => r.expected_date !== null);
  return {
    supplier_id: supplierId,
    open,
    received_count: received.length,
    on_time_count: dated.filter((r) => r.received_on <= r.expected_date!).length,
    rated_count: dated.length,
    on_time_rate: onTimeRate(received)
  };
}
