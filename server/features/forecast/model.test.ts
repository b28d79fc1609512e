// The forecast model path against a local HTTP server answering as a Databricks serving endpoint for a custom model
// does: {"predictions": [...]}, a 500, no answer at all, and answers that are not forecasts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ForecastModelFailed, forecastWithModel } from './model';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let host: string;
let answer: Handler;
let requests: { method: string; path: string; auth?: string; body: unknown }[] = [];

const json =
  (status: number, body: unknown): Handler =>
  (_q, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const days = ['2026-03-30', '2026-03-31', '2026-04-01'];
const client = () =>
  new WorkspaceClient({
    host,
    token: 'dapi-forecast-test',
    authType: 'pat',
    httpTimeoutSeconds: 5,
    retryTimeoutSeconds: 5
  });
const ask = (timeoutMs = 5000) =>
  forecastWithModel('P-1', days, { endpoint: 'linesync-forecast', timeoutMs, client: client() });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c) => chunks.push(c))
      .on('end', () => {
        requests.push({
          method: req.method!,
          path: req.url!,
          auth: req.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString() || 'null')
        });
        answer(req, res);
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  requests = [];
  answer = json(200, { predictions: [4, 5.5, 6] });
});

describe('forecastWithModel', () => {
  it('sends the days as a split DataFrame to the invocations URL and reads one number per day', async () => {
    expect(await ask()).toEqual([4, 5.5, 6]);
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/serving-endpoints/linesync-forecast/invocations',
        auth: 'Bearer dapi-forecast-test',
        body: {
          dataframe_split: {
            columns: ['item_id', 'ds'],
            data: [
              ['P-1', '2026-03-30'],
              ['P-1', '2026-03-31'],
              ['P-1', '2026-04-01']
            ]
          }
        }
      }
    ]);
  });

  it('reads Prophet-style rows with ds and yhat, and takes a negative forecast as no demand', async () => {
    answer = json(200, {
      predictions: [
        { ds: '2026-03-30T00:00:00', yhat: 3.2, yhat_lower: 1, yhat_upper: 5 },
        { ds: '2026-03-31T00:00:00', yhat: -0.4 },
        { ds: '2026-04-01', yhat: 2 }
      ]
    });
    expect(await ask()).toEqual([3.2, 0, 2]);
  });

  it('fails, saying why, on a 500', async () => {
    answer = json(500, { error_code: 'INTERNAL_ERROR', message: 'Model crashed while scoring' });
    const err = await ask().catch((e) => e);
    expect(err).toBeInstanceOf(ForecastModelFailed);
    expect(err.message).toMatch(/^the endpoint refused the request: .*Model crashed while scoring/);
  });

  it('fails when the endpoint does not answer in time', async () => {
    answer = () => {}; // never answers
    const err = await ask(300).catch((e) => e);
    expect(err).toBeInstanceOf(ForecastModelFailed);
    expect(err.message).toBe('the model did not answer within 300 ms');
  });

  it.each([
    [
      'not JSON',
      (_q: IncomingMessage, res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>'),
      /refused the request|unexpected shape/
    ],
    ['no predictions', json(200, { outputs: [1, 2, 3] }), /unexpected shape/],
    ['strings', json(200, { predictions: ['4', '5', '6'] }), /unexpected shape/],
    ['NaN-like nulls', json(200, { predictions: [1, null, 3] }), /unexpected shape/],
    ['too few days', json(200, { predictions: [1, 2] }), /answered 2 values for 3 days/],
    [
      'the wrong days',
      json(200, { predictions: days.map((_, i) => ({ ds: `2025-01-0${i + 1}`, yhat: 1 })) }),
      /answered day 2025-01-01 where 2026-03-30 was asked/
    ]
  ])('refuses garbage: %s', async (_name, handler, message) => {
    answer = handler;
    const err = await ask().catch((e) => e);
    expect(err).toBeInstanceOf(ForecastModelFailed);
    expect(err.message).toMatch(message);
  });
});
