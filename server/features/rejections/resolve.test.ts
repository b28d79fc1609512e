// Rejected events kept by the server: recorded by the push that refused them, counted per device for the fleet,
// resolved by a supervisor (a corrected event, or a dismissal) and told to the tablet on its next push.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';
import type { PushResponse, ScanEvent } from '#domain/events';
import type { RejectedEventView } from '#domain/rejections';
import { rejectedListSchema } from '#domain/responses';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({
    sql: db.sql,
    config: loadConfig({ AUTH_MODE: 'local', REQUIRE_KNOWN_ITEMS: 'true' }),
    dbKind: db.kind
  });
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations, rejected_events CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', NULL, NULL)`;
});

const post = (path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function push(body: Record<string, unknown>): Promise<PushResponse> {
  const res = await post('/api/sync/events', body);
  expect(res.status).toBe(200);
  return (await res.json()) as PushResponse;
}
async function waiting(device_id?: string): Promise<RejectedEventView[]> {
  const res = await app.request(`/api/rejected-events${device_id ? `?device_id=${device_id}` : ''}`);
  expect(res.status).toBe(200);
  return rejectedListSchema.parse(await res.json()).rows; // the shape the console parses
}
const resolve = (id: string, body: unknown) => post(`/api/rejected-events/${id}/resolve`, body);
async function onHand(item: string, loc = 'LINE-1') {
  const [row] = await db.sql<
    { on_hand: string }[]
  >`SELECT on_hand FROM stock_levels WHERE item_id = ${item} AND location_id = ${loc}`;
  return row ? Number(row.on_hand) : null;
}

describe('recording', () => {
  it('keeps every refused event as sent, with its reason, in the push that refused it; a repeat counts up', async () => {
    const typo = makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'P-X', qty: 3 });
    const good = makeEvent({ device_seq: 2, event_type: 'INTAKE', qty: 2 });
    const bad = { ...makeEvent({ device_seq: 3 }), qty: -1, lot: 'L\u0000T', operator: 'a\ud800b' };
    const res = await push({ device_id: 'tab-1', events: [typo, good, bad] });
    expect(res.results.map((r) => r.status)).toEqual(['rejected', 'applied', 'rejected']);
    expect(res.resolved).toBeUndefined(); // the tablet named no waiting ones

    const rows = await waiting();
    expect(rows).toHaveLength(2);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    expect(byId.get(typo.event_id)).toMatchObject({
      device_id: 'tab-1',
      reason: 'unknown item: P-X',
      rejected_count: 1,
      resolution: null
    });
    expect(byId.get(typo.event_id)!.payload).toEqual(typo);
    // jsonb holds neither NUL nor a lone surrogate: they are kept as U+FFFD, everything else as sent.
    expect(byId.get(bad.event_id)!.payload).toEqual({ ...bad, lot: 'L\ufffdT', operator: 'a\ufffdb' });
    expect(byId.get(bad.event_id)!.reason).toMatch(/^invalid: qty/);

    await push({ device_id: 'tab-1', events: [typo] });
    const [again] = (await waiting()).filter((r) => r.event_id === typo.event_id);
    expect(again.rejected_count).toBe(2);
    expect(Date.parse(again.last_rejected_at)).toBeGreaterThanOrEqual(Date.parse(again.first_rejected_at));
  });

  it('keeps a refused event with no usable id and one nested deeper than any event', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    const res = await push({ device_id: 'tab-2', events: [{ qty: 1 }, deep] });
    expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const [row] = await waiting('tab-2');
    expect(row.event_id).toBe(''); // both have no id: one row, counted twice
    expect(row.rejected_count).toBe(2);
    expect(row.payload).toMatchObject({ unstorable: 'nested too deeply' });
  });

  it('the fleet shows the rejected events waiting per device, and not the console', async () => {
    await push({
      device_id: 'tab-1',
      events: [makeEvent({ device_seq: 1, item_id: 'NOPE' }), makeEvent({ device_seq: 2, item_id: 'NOPE-2' })]
    });
    await push({ device_id: 'tab-2', events: [makeEvent({ device_seq: 1, event_type: 'INTAKE' })] });
    const [first] = await waiting('tab-1');
    expect(
      (
        await resolve(first.rejection_id, {
          action: 'apply_corrected',
          event_type: 'CONSUME',
          item_id: 'P-1',
          qty: 1,
          location_id: 'LINE-1'
        })
      ).status
    ).toBe(200);
    const devices = (
      (await (await app.request('/api/devices')).json()) as { rows: { device_id: string; rejected_waiting: number }[] }
    ).rows;
    expect(Object.fromEntries(devices.map((d) => [d.device_id, d.rejected_waiting]))).toEqual({
      'tab-1': 1,
      'tab-2': 0
    });
  });
});

describe('resolving', () => {
  async function rejectedScan(over: Partial<ScanEvent> = {}) {
    const e = makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'P-TYPO', qty: 7, ...over });
    await push({ device_id: 'tab-1', events: [e] });
    const [row] = await waiting('tab-1');
    return { e, row };
  }

  it('apply corrected writes a normal event from the console, moves stock, links it, audits it, and tells the tablet', async () => {
    const { e, row } = await rejectedScan();
    const res = await resolve(row.rejection_id, {
      action: 'apply_corrected',
      event_type: 'INTAKE',
      item_id: 'P-1',
      qty: 6,
      location_id: 'LINE-2',
      note: 'typo on the label'
    });
    expect(res.status).toBe(200);
    const after = (await res.json()) as RejectedEventView;
    expect(after).toMatchObject({
      resolution: 'corrected',
      resolved_by: 'supervisor@localhost',
      resolution_note: 'typo on the label'
    });
    const [stored] = await db.sql`
      SELECT event_id::text, device_id, event_type, item_id, qty, location_id, station_id, captured_at, user_email FROM scan_events`;
    expect(stored).toMatchObject({
      event_id: after.corrected_event_id,
      device_id: 'console',
      event_type: 'INTAKE',
      item_id: 'P-1',
      qty: 6,
      location_id: 'LINE-2',
      station_id: 'ST-1',
      user_email: 'supervisor@localhost'
    });
    expect((stored.captured_at as Date).toISOString()).toBe(e.captured_at); // when it happened on the floor
    expect(await onHand('P-1', 'LINE-2')).toBe(6);
    const audit =
      await db.sql`SELECT actor, entity, entity_id, action, after FROM audit_log WHERE entity = 'rejected_event'`;
    expect(audit).toEqual([
      {
        actor: 'supervisor@localhost',
        entity: 'rejected_event',
        entity_id: row.rejection_id,
        action: 'corrected',
        after: { resolution: 'corrected', note: 'typo on the label', corrected_event_id: after.corrected_event_id }
      }
    ]);
    expect(await waiting('tab-1')).toEqual([]);

    // The tablet names what it still holds; the answer says what became of it.
    const told = await push({ device_id: 'tab-1', events: [], rejected_waiting: [e.event_id.toUpperCase()] });
    expect(told.resolved).toEqual([
      {
        event_id: e.event_id,
        resolution: 'corrected',
        note: 'typo on the label',
        resolved_at: expect.any(String),
        resolved_by: 'supervisor@localhost',
        corrected_event_id: after.corrected_event_id
      }
    ]);

    // Once only: a second resolution is a conflict that says what was decided.
    const second = await resolve(row.rejection_id, { action: 'dismiss', note: 'changed my mind' });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string; details: { resolution: string } } }).error).toMatchObject(
      { code: 'already_resolved', details: { resolution: 'corrected' } }
    );
  });

  it('console events number on from each other', async () => {
    await push({ device_id: 'tab-1', events: [1, 2].map((s) => makeEvent({ device_seq: s, item_id: `BAD-${s}` })) });
    for (const row of await waiting('tab-1'))
      expect(
        (
          await resolve(row.rejection_id, {
            action: 'apply_corrected',
            event_type: 'CONSUME',
            item_id: 'P-2',
            qty: 1,
            location_id: 'LINE-1'
          })
        ).status
      ).toBe(200);
    expect(
      (await db.sql`SELECT device_seq FROM scan_events WHERE device_id = 'console' ORDER BY 1`).map((r) =>
        Number(r.device_seq)
      )
    ).toEqual([1, 2]);
    expect(await onHand('P-2')).toBe(-2);
  });

  it('a correction the push refuses (an unknown item) answers 422 and changes nothing', async () => {
    const { row } = await rejectedScan();
    const res = await resolve(row.rejection_id, {
      action: 'apply_corrected',
      event_type: 'INTAKE',
      item_id: 'P-STILL-WRONG',
      qty: 6,
      location_id: 'LINE-1'
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/unknown item: P-STILL-WRONG/);
    expect(await db.sql`SELECT count(*)::int AS n FROM scan_events`).toEqual([{ n: 0 }]);
    expect(await waiting('tab-1')).toHaveLength(1);
    expect((await waiting()).filter((r) => r.device_id === 'console')).toEqual([]);
  });

  it('dismiss needs a reason and stores nothing but the resolution', async () => {
    const { e, row } = await rejectedScan();
    expect((await resolve(row.rejection_id, { action: 'dismiss' })).status).toBe(400);
    expect((await resolve(row.rejection_id, { action: 'dismiss', note: ' ' })).status).toBe(400);
    const res = await resolve(row.rejection_id, { action: 'dismiss', note: 'test scan, not real stock' });
    expect(res.status).toBe(200);
    expect(await db.sql`SELECT count(*)::int AS n FROM scan_events`).toEqual([{ n: 0 }]);
    const told = await push({ device_id: 'tab-1', events: [], rejected_waiting: [e.event_id] });
    expect(told.resolved).toMatchObject([
      { event_id: e.event_id, resolution: 'dismissed', note: 'test scan, not real stock', corrected_event_id: null }
    ]);
    expect(
      (await resolve('00000000-0000-4000-8000-000000000000', { action: 'dismiss', note: 'nothing here' })).status
    ).toBe(404);
    expect((await resolve('12', { action: 'dismiss', note: 'not a uuid' })).status).toBe(400);
  });

  it('lists resolved ones on request', async () => {
    const { row } = await rejectedScan();
    await resolve(row.rejection_id, { action: 'dismiss', note: 'duplicate label' });
    const res = await app.request('/api/rejected-events?status=resolved');
    expect(rejectedListSchema.parse(await res.json()).rows.map((r) => r.rejection_id)).toEqual([row.rejection_id]);
    expect((await app.request('/api/rejected-events?status=bogus')).status).toBe(400);
  });
});

describe('settled on the tablet', () => {
  it('a fix or void on the tablet resolves the server copy; a resend after a supervisor correction is refused as a double count', async () => {
    const a = makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'P-TYPO-A', qty: 2 });
    const b = makeEvent({ device_seq: 2, event_type: 'INTAKE', item_id: 'P-TYPO-B', qty: 3 });
    const c = makeEvent({ device_seq: 3, event_type: 'INTAKE', item_id: 'P-TYPO-C', qty: 4 });
    await push({ device_id: 'tab-1', events: [a, b, c] });
    const rowC = (await waiting('tab-1')).find((r) => r.event_id === c.event_id)!;
    await resolve(rowC.rejection_id, {
      action: 'apply_corrected',
      event_type: 'INTAKE',
      item_id: 'P-1',
      qty: 4,
      location_id: 'LINE-1'
    });

    // Offline meanwhile, the worker fixed A and C and voided B on the tablet.
    const fixedA = makeEvent({ device_seq: 4, event_type: 'INTAKE', item_id: 'P-1', qty: 2 });
    const fixedC = makeEvent({ device_seq: 5, event_type: 'INTAKE', item_id: 'P-1', qty: 4 });
    const res = await push({
      device_id: 'tab-1',
      events: [fixedA, fixedC],
      settled_on_device: [
        { event_id: a.event_id, resolution: 'resent', replaced_by: fixedA.event_id },
        { event_id: b.event_id, resolution: 'voided' },
        { event_id: c.event_id, resolution: 'resent', replaced_by: fixedC.event_id }
      ]
    });
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    expect(res.results[1].reason).toMatch(/^conflict: a supervisor already corrected the rejected scan/);
    expect(await onHand('P-1')).toBe(6); // 2 from the tablet's fix + 4 from the supervisor's, not 10

    const all = (await (await app.request('/api/rejected-events?status=all&device_id=tab-1')).json()) as {
      rows: RejectedEventView[];
    };
    const by = new Map(all.rows.map((r) => [r.event_id, r]));
    expect(by.get(a.event_id)).toMatchObject({
      resolution: 'resent',
      corrected_event_id: fixedA.event_id,
      resolution_note: 'settled on the tablet'
    });
    expect(by.get(b.event_id)).toMatchObject({ resolution: 'voided', corrected_event_id: null });
    expect(by.get(c.event_id)).toMatchObject({ resolution: 'corrected' });
    expect(by.get(fixedC.event_id)).toMatchObject({ resolution: null }); // the refused resend waits for a person
  });
});
