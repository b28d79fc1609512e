// The vision model path against a local HTTP server answering as a Databricks serving endpoint does in the
// OpenAI-compatible chat format: a good answer, a malformed one, a 429, and no answer at all.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COULD_NOT_PARSE, ModelFailed, readWithModel } from './model';
import { closeOcr } from './ocr';
import { readSlip } from './reader';
import { slipFixtures } from '../../../tests/fixtures/slips';

type Handler = (req: IncomingMessage, body: unknown, res: ServerResponse) => void;
let server: Server;
let host: string;
let answers: Handler[] = [];
let requests: {
  path: string;
  auth?: string;
  body: {
    messages: { content: { type: string; text?: string; image_url?: { url: string } }[] }[];
    response_format: { type: string; json_schema: { name: string; strict: boolean; schema: { required: string[] } } };
  };
}[] = [];

const chat = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'slip-reader',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }
});
const GOOD = {
  supplier: 'Acme Fasteners Ltd',
  slip_number: 'PS-1001',
  po_number: '4500012345',
  date: '2026-03-12',
  lines: [
    { supplier_part: 'AF-100', description: 'Hex bolt M8 x 30', qty: 200, unit: 'EA', lot: null, confidence: 0.97 },
    { supplier_part: 'AF-220', description: 'Flat washer M8', qty: 400, unit: 'EA', lot: null, confidence: 0.6 },
    { supplier_part: null, description: 'Nyloc nut M8', qty: 12.5, unit: 'BOX', lot: 'L1', confidence: 0.9 }
  ]
};
const ok: Handler = (_q, _b, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chat(JSON.stringify(GOOD))));
const malformed: Handler = (_q, _b, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify(chat('Here are the lines: AF-100 x 200')));
const wrongShape: Handler = (_q, _b, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify(chat(JSON.stringify({ lines: [{ qty: 'two' }] }))));
const tooMany: Handler = (_q, _b, res) =>
  res
    .writeHead(429, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Exceeded rate limit' }));
const silent: Handler = () => {};

const client = (seconds = 5) =>
  new WorkspaceClient({
    host,
    token: 'dapi-model-test',
    authType: 'pat',
    httpTimeoutSeconds: seconds,
    retryTimeoutSeconds: seconds
  });
const image = { contentType: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c) => chunks.push(c))
      .on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        requests.push({ path: req.url!, auth: req.headers.authorization, body });
        (answers.shift() ?? ok)(req, body, res);
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeOcr();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  answers = [];
  requests = [];
});

describe('readWithModel', () => {
  it('sends the images as data URLs with a strict JSON schema and reads the answer into lines', async () => {
    const slip = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 5000, client: client() });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req.path).toBe('/serving-endpoints/slip-reader/invocations');
    expect(req.auth).toBe('Bearer dapi-model-test');
    const content = req.body.messages[0].content;
    expect(content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/packing slip/) });
    expect(content[1]).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${Buffer.from(image.bytes).toString('base64')}` }
    });
    expect(req.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'packing_slip', strict: true }
    });
    expect(req.body.response_format.json_schema.schema.required).toEqual([
      'supplier',
      'slip_number',
      'po_number',
      'date',
      'lines'
    ]);
    expect(slip).toEqual({
      supplier: 'Acme Fasteners Ltd',
      slip_number: 'PS-1001',
      po_number: '4500012345',
      date: '2026-03-12',
      lines: [
        { supplier_part: 'AF-100', description: 'Hex bolt M8 x 30', qty: 200, unit: 'EA', lot: null, confidence: 0.9 },
        { supplier_part: 'AF-220', description: 'Flat washer M8', qty: 400, unit: 'EA', lot: null, confidence: 0.6 },
        { supplier_part: null, description: 'Nyloc nut M8', qty: 13, unit: 'BOX', lot: 'L1', confidence: 0.45 }
      ]
    });
  });

  it('retries once after a malformed answer', async () => {
    answers = [malformed, ok];
    const slip = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 5000, client: client() });
    expect(slip.lines).toHaveLength(3);
    expect(requests).toHaveLength(2);
  });

  it('gives up after two malformed answers, saying why', async () => {
    answers = [malformed, wrongShape];
    const err = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 5000, client: client() }).catch(
      (e) => e
    );
    expect(err).toBeInstanceOf(ModelFailed);
    expect(err.message).toBe(
      'the model answered JSON that does not follow the packing slip schema (first attempt: the model did not answer with JSON)'
    );
    expect(requests).toHaveLength(2);
  });

  it('waits out a 429 and then reads the answer', async () => {
    answers = [tooMany, ok];
    const slip = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 5000, client: client() });
    expect(slip.slip_number).toBe('PS-1001');
    expect(requests).toHaveLength(2);
  });

  it('gives up when the endpoint stays rate-limited past the time limit', async () => {
    answers = Array.from({ length: 20 }, () => tooMany);
    const err = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 1200, client: client(1) }).catch(
      (e) => e
    );
    expect(err).toBeInstanceOf(ModelFailed);
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it('times out an endpoint that does not answer, twice, then gives up', async () => {
    answers = [silent, silent];
    const started = Date.now();
    const err = await readWithModel([image], { endpoint: 'slip-reader', timeoutMs: 400, client: client() }).catch(
      (e) => e
    );
    expect(err).toBeInstanceOf(ModelFailed);
    expect(err.message).toBe(
      'the model did not answer within 400 ms (first attempt: the model did not answer within 400 ms)'
    );
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('readSlip with a model', () => {
  it('draws a scanned PDF page to PNG for the model and keeps its lines', async () => {
    const scanned = (await slipFixtures()).find((f) => f.name === 'scanned')!;
    const read = await readSlip([{ contentType: 'application/pdf', bytes: scanned.bytes }], {
      endpoint: 'slip-reader',
      timeoutMs: 5000,
      client: client()
    });
    expect(read.parser).toBe('model');
    expect(read.slip.lines.map((l) => l.supplier_part)).toEqual(['AF-100', 'AF-220', null]);
    const url = requests[0].body.messages[0].content[1].image_url!.url;
    expect(url).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(url.split(',')[1], 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('falls back to entry by hand with a clear message when the model fails', async () => {
    answers = [malformed, malformed];
    const read = await readSlip([{ contentType: 'image/png', bytes: image.bytes }], {
      endpoint: 'slip-reader',
      timeoutMs: 5000,
      client: client()
    });
    expect(read).toEqual({
      slip: { supplier: null, slip_number: null, po_number: null, date: null, lines: [] },
      parser: 'manual',
      error: expect.stringContaining(COULD_NOT_PARSE)
    });
    expect(read.error).toMatch(/^The model could not read this slip\. Local OCR read no lines/);
  });

  it('lets local OCR read a scanned page when the model fails', async () => {
    answers = [malformed, malformed];
    const scanned = (await slipFixtures()).find((f) => f.name === 'scanned')!;
    const read = await readSlip([{ contentType: 'application/pdf', bytes: scanned.bytes }], {
      endpoint: 'slip-reader',
      timeoutMs: 5000,
      client: client()
    });
    expect(requests).toHaveLength(2);
    expect(read.parser).toBe('ocr');
    expect(read.slip.lines.map((l) => l.supplier_part)).toEqual(scanned.expected.lines.map((l) => l.supplier_part));
  }, 60_000);

  it('reads a digital PDF without asking the model', async () => {
    const classic = (await slipFixtures())[0];
    const read = await readSlip([{ contentType: 'application/pdf', bytes: classic.bytes }], {
      endpoint: 'slip-reader',
      timeoutMs: 5000,
      client: client()
    });
    expect(read.parser).toBe('digital');
    expect(requests).toHaveLength(0);
  });
});
