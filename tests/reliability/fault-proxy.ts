// A fault-injecting HTTP proxy on loopback, between simulated tablets and the real server: it loses requests, loses
// answers after the server committed, delays, sends a request twice, answers 502 itself, and cuts connections in the
// middle of a body — each at a chosen rate. Plain node:http, so the faults are real sockets closing, not mocks.
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULTS = [
  'drop_request',
  'drop_response',
  'delay',
  'duplicate',
  'bad_gateway',
  'cut_request',
  'cut_response'
] as const;
export type Fault = (typeof FAULTS)[number];
export type FaultRates = Partial<Record<Fault, number>>;

export interface FaultProxy {
  url: string;
  /** How many requests met each fault; `clean` passed untouched, `upstream_down` found no server behind. */
  counts: Record<Fault | 'clean' | 'upstream_down', number>;
  setTarget(url: string): void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

/** Sends the request on to the server; `cutAt` sends only that many body bytes and then breaks the connection. */
function forward(target: URL, req: IncomingMessage, body: Buffer, cutAt?: number): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length), connection: 'close' };
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      }
    );
    up.on('error', reject);
    if (cutAt === undefined) return void up.end(body);
    up.write(body.subarray(0, cutAt), () => setTimeout(() => (up.destroy(), reject(new Error('cut'))), 20));
  });
}

function reply(res: ServerResponse, up: Upstream, cutAt?: number) {
  const headers = { ...up.headers, 'content-length': String(up.body.length) };
  delete headers['transfer-encoding'];
  delete headers.connection;
  res.writeHead(up.status, headers);
  if (cutAt === undefined) return void res.end(up.body);
  res.write(up.body.subarray(0, cutAt), () => res.destroy());
}

export async function startFaultProxy(opts: {
  target: string;
  rates: FaultRates;
  random?: () => number;
  maxDelayMs?: number;
}): Promise<FaultProxy> {
  const random = opts.random ?? Math.random;
  const maxDelay = opts.maxDelayMs ?? 500;
  let target = new URL(opts.target);
  const counts = Object.fromEntries([...FAULTS, 'clean', 'upstream_down'].map((k) => [k, 0])) as FaultProxy['counts'];

  const pick = (): Fault | 'clean' => {
    let r = random();
    for (const f of FAULTS) {
      r -= opts.rates[f] ?? 0;
      if (r < 0) return f;
    }
    return 'clean';
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const fault = pick();
    counts[fault]++;
    const to = target;
    try {
      switch (fault) {
        case 'drop_request':
          return void req.socket.destroy();
        case 'bad_gateway':
          res.writeHead(502, { 'content-type': 'text/html' });
          return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        case 'cut_request':
          await forward(to, req, body, Math.floor(body.length / 2)).catch(() => undefined);
          return void req.socket.destroy();
        case 'drop_response':
          await forward(to, req, body);
          return void req.socket.destroy();
        case 'cut_response':
          return reply(res, await forward(to, req, body), Math.floor(random() * 200));
        case 'duplicate': {
          // Both copies reach the server at once; the tablet sees one of the two answers.
          const [a, b] = await Promise.all([forward(to, req, body), forward(to, req, body)]);
          return reply(res, random() < 0.5 ? a : b);
        }
        case 'delay':
          await new Promise((r) => setTimeout(r, random() * maxDelay));
          return reply(res, await forward(to, req, body));
        case 'clean':
          return reply(res, await forward(to, req, body));
      }
    } catch {
      // The server is down (restarting) or broke the connection: say so as a real gateway would.
      counts.upstream_down++;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('upstream unavailable');
      } else res.destroy();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setTarget: (url) => void (target = new URL(url)),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      })
  };
}
