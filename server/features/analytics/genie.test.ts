// Ask LineSync against a local HTTP server that answers the Genie Conversation API in its documented shapes:
// POST .../start-conversation, GET .../conversations/{c}/messages/{m} (SUBMITTED, then the working states, then
// COMPLETED, FAILED or CANCELLED), GET .../attachments/{a}/query-result (a Statement Execution response). The app
// is the real one (routes, config, error shape); only the workspace is stood in for.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUESTION_CHARS } from '#domain/genie';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

const SPACE = '01ef34712a29169db030324fd0e1df5f';
const TOKEN = 'dapi-genie-test';
const CONVERSATION = '01f0aaaabbbbccccddddeeeeffff0000';
const MESSAGE = '01f01111222233334444555566667777';
const BASE = `/api/2.0/genie/spaces/${SPACE}`;
const MESSAGE_PATH = `${BASE}/conversations/${CONVERSATION}/messages/${MESSAGE}`;

interface Seen {
  method: string;
  path: string;
  auth?: string;
  body: Record<string, unknown>;
}

let server: Server;
let host: string;
let db: TestDb;
const seen: Seen[] = [];
/** What GET message answers, in order; the last one repeats. */
let messages: Record<string, unknown>[] = [];
let queryResult: Record<string, unknown> = {};
let startReply: { status: number; body: unknown } | null = null;

async function readBody(req: IncomingMessage) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

const message = (status: string, extra: Record<string, unknown> = {}) => ({
  id: MESSAGE,
  message_id: MESSAGE,
  conversation_id: CONVERSATION,
  space_id: SPACE,
  content: 'q',
  status,
  ...extra
});

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const s: Seen = { method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization, body: {} };
    s.body = await readBody(req);
    seen.push(s);
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (s.method === 'POST' && s.path === `${BASE}/start-conversation`) {
      if (startReply) return send(startReply.status, startReply.body);
      return send(200, {
        conversation_id: CONVERSATION,
        message_id: MESSAGE,
        conversation: { id: CONVERSATION, conversation_id: CONVERSATION, space_id: SPACE, title: 'q' },
        message: message('SUBMITTED', { content: s.body.content })
      });
    }
    if (s.method === 'GET' && s.path === MESSAGE_PATH)
      return send(200, messages.length > 1 ? messages.shift() : messages[0]);
    if (s.method === 'GET' && s.path === `${MESSAGE_PATH}/attachments/att-query/query-result`)
      return send(200, queryResult);
    send(404, { error_code: 'ENDPOINT_NOT_FOUND', message: `no ${s.method} ${s.path}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // How the SDK finds the workspace (on Apps: the host and the service principal; here a token).
  vi.stubEnv('DATABRICKS_HOST', host);
  vi.stubEnv('DATABRICKS_TOKEN', TOKEN);
  vi.stubEnv('DATABRICKS_AUTH_TYPE', 'pat');
  vi.stubEnv('DATABRICKS_CONFIG_FILE', '/nonexistent/.databrickscfg');
  db = await createTestDb();
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await db?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen.length = 0;
  startReply = null;
  queryResult = {};
});

const appWith = (env: Record<string, string> = {}) =>
  createApp({
    sql: db.sql,
    config: loadConfig({ GENIE_SPACE_ID: SPACE, GENIE_POLL_MS: '10', ...env }),
    dbKind: db.kind
  });

async function ask(app: ReturnType<typeof createApp>, body: unknown, contentType = 'application/json') {
  const res = await app.request('/api/analytics/genie/ask', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  });
  return { status: res.status, body: await res.json() };
}

const completed = message('COMPLETED', {
  attachments: [
    { attachment_id: 'att-text', text: { content: 'Two item-locations are below zero.' } },
    {
      attachment_id: 'att-query',
      query: {
        title: 'Negative stock',
        description: 'Latest on hand per item and location, where it is negative.',
        query:
          'SELECT item_id, location_id, on_hand FROM main.linesync_analytics.gold_on_hand_history WHERE on_hand < 0',
        statement_id: '01f0-stmt',
        query_result_metadata: { row_count: 2 }
      }
    },
    { attachment_id: 'att-follow', text: { content: 'Which station scanned them?', purpose: 'FOLLOW_UP_QUESTION' } },
    { attachment_id: 'att-sq', suggested_questions: { questions: ['When did they go negative?'] } }
  ]
});
const statement = (rows: (string | null)[][], truncated = false) => ({
  statement_response: {
    statement_id: '01f0-stmt',
    status: { state: 'SUCCEEDED' },
    manifest: {
      format: 'JSON_ARRAY',
      schema: {
        column_count: 3,
        columns: [
          { name: 'location_id', position: 1, type_name: 'STRING' },
          { name: 'item_id', position: 0, type_name: 'STRING' },
          { name: 'on_hand', position: 2, type_name: 'LONG' }
        ]
      },
      total_row_count: rows.length,
      truncated
    },
    result: { chunk_index: 0, row_offset: 0, row_count: rows.length, data_array: rows }
  }
});

describe('Ask LineSync with a Genie space', () => {
  it('starts a conversation, polls until COMPLETED, and answers with the text, the SQL and its result', async () => {
    messages = [message('SUBMITTED'), message('ASKING_AI'), message('EXECUTING_QUERY'), completed];
    queryResult = statement([
      ['I-1', 'LINE-1', '-3'],
      ['I-2', 'RECV', null]
    ]);
    const { status, body } = await ask(appWith(), { question: '  Which items are below zero?  ' });
    expect(status).toBe(200);
    expect(body).toEqual({
      conversation_id: CONVERSATION,
      message_id: MESSAGE,
      text: 'Two item-locations are below zero.',
      sql: 'SELECT item_id, location_id, on_hand FROM main.linesync_analytics.gold_on_hand_history WHERE on_hand < 0',
      description: 'Latest on hand per item and location, where it is negative.',
      columns: ['item_id', 'location_id', 'on_hand'], // by position, as the manifest orders them
      rows: [
        ['I-1', 'LINE-1', '-3'],
        ['I-2', 'RECV', null]
      ],
      truncated: false,
      suggested_questions: ['When did they go negative?']
    });
    // The question, trimmed, went to the configured space with the workspace's credentials.
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: `${BASE}/start-conversation`,
      auth: `Bearer ${TOKEN}`,
      body: { content: 'Which items are below zero?' }
    });
    expect(seen.filter((s) => s.path === MESSAGE_PATH)).toHaveLength(4);
    expect(seen.at(-1)!.path).toBe(`${MESSAGE_PATH}/attachments/att-query/query-result`);
  });

  it('keeps at most GENIE_ROW_LIMIT rows and says the result was cut', async () => {
    messages = [completed];
    queryResult = statement([
      ['I-1', 'A', '1'],
      ['I-2', 'B', '2'],
      ['I-3', 'C', '3']
    ]);
    const { status, body } = await ask(appWith({ GENIE_ROW_LIMIT: '2' }), { question: 'stock?' });
    expect(status).toBe(200);
    expect(body.rows).toHaveLength(2);
    expect(body.truncated).toBe(true);
  });

  it('answers a reply without attachments (or with text only) without asking for a query result', async () => {
    messages = [message('COMPLETED', { attachments: [] })];
    const bare = await ask(appWith(), { question: 'hello' });
    expect(bare).toEqual({
      status: 200,
      body: expect.objectContaining({ text: null, sql: null, columns: [], rows: [], suggested_questions: [] })
    });
    messages = [message('COMPLETED')]; // no attachments field at all
    expect((await ask(appWith(), { question: 'hello' })).body).toMatchObject({ text: null, sql: null, rows: [] });
    messages = [message('COMPLETED', { attachments: [{ attachment_id: 't', text: { content: 'I can only...' } }] })];
    expect((await ask(appWith(), { question: 'hello' })).body).toMatchObject({ text: 'I can only...', sql: null });
    expect(seen.some((s) => s.path.endsWith('/query-result'))).toBe(false);
  });

  it('says why when Genie FAILED or the message was CANCELLED (502, the conversation named)', async () => {
    messages = [
      message('ASKING_AI'),
      message('FAILED', {
        error: { error: 'Table gold_x does not exist', type: 'INVALID_SQL_UNKNOWN_TABLE_EXCEPTION' }
      })
    ];
    const failed = await ask(appWith(), { question: 'x?' });
    expect(failed).toEqual({
      status: 502,
      body: {
        error: {
          code: 'genie_failed',
          message: 'Genie could not answer: Table gold_x does not exist',
          details: { conversation_id: CONVERSATION }
        }
      }
    });
    messages = [message('CANCELLED')];
    const cancelled = await ask(appWith(), { question: 'x?' });
    expect(cancelled.status).toBe(502);
    expect(cancelled.body.error.message).toBe("Genie's answer ended CANCELLED.");
  });

  it('gives up after GENIE_TIMEOUT_MS while Genie keeps working (504), having polled in between', async () => {
    messages = [message('EXECUTING_QUERY')];
    const t0 = Date.now();
    const { status, body } = await ask(appWith({ GENIE_TIMEOUT_MS: '1000', GENIE_POLL_MS: '100' }), {
      question: 'slow?'
    });
    const took = Date.now() - t0;
    expect(status).toBe(504);
    expect(body.error).toMatchObject({ code: 'genie_timeout', details: { conversation_id: CONVERSATION } });
    expect(body.error.message).toMatch(/^Genie gave no answer within 1 s/);
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3000);
    const polls = seen.filter((s) => s.path === MESSAGE_PATH).length;
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(11);
  });

  it('reports a workspace that refuses the question as Genie unavailable (502), with its reason', async () => {
    startReply = { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'You need CAN_RUN on the space' } };
    const { status, body } = await ask(appWith(), { question: 'x?' });
    expect(status).toBe(502);
    expect(body.error.code).toBe('genie_unavailable');
    expect(body.error.message).toMatch(/^Genie could not be asked \(start-conversation\): .*CAN_RUN/);
  });

  it('refuses a bad question before asking Genie (400, 415)', async () => {
    messages = [message('COMPLETED', { attachments: [] })];
    const app = appWith();
    for (const body of [{}, { question: '' }, { question: '   ' }, { question: 7 }, { question: 'x', extra: 1 }]) {
      const r = await ask(app, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
    }
    const long = await ask(app, { question: 'x'.repeat(MAX_QUESTION_CHARS + 1) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain(`at most ${MAX_QUESTION_CHARS} characters`);
    expect((await ask(app, { question: 'x'.repeat(MAX_QUESTION_CHARS) })).status).toBe(200);
    expect((await ask(app, '{"question":', 'application/json')).status).toBe(400);
    expect((await ask(app, 'question=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect(seen.filter((s) => s.path.endsWith('/start-conversation'))).toHaveLength(1); // the 500-character one
  });

  it('says it is configured', async () => {
    const res = await appWith().request('/api/analytics/genie');
    expect(await res.json()).toEqual({ configured: true });
  });
});

describe('Ask LineSync without a Genie space', () => {
  const app = () => createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });

  it('says how to set one up, and refuses a question with 409 without calling anything', async () => {
    const status = await (await app().request('/api/analytics/genie')).json();
    expect(status.configured).toBe(false);
    expect(status.setup.join('\n')).toMatch(/databricks\.genie\.yml[\s\S]*GENIE_SPACE_ID/);
    const { status: code, body } = await ask(app(), { question: 'x?' });
    expect(code).toBe(409);
    expect(body.error.code).toBe('genie_not_configured');
    expect(seen).toHaveLength(0);
    // A bad question is still a 400 first.
    expect((await ask(app(), { question: '' })).status).toBe(400);
  });

  it('leaves the rest of analytics answering', async () => {
    const res = await app().request('/api/analytics/consumption?days=7');
    expect(res.status).toBe(200);
    expect((await res.json()).source).toBe('postgres');
  });
});
