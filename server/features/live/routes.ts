// GET /api/stream: server-sent events of stock and signal changes. A reconnecting EventSource sends Last-Event-ID
// and first gets what changed since then (or `reset`: reload everything); a ping every 15 s keeps proxies from
// closing an idle stream and lets a dead one be noticed. A large change arrives as several `change` events of at most
// PART_ROWS rows each.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { afterCatchUp, changeFeed, type ChangeEvent } from './changes';

const PING_MS = 15_000;
const RETRY_MS = 2_000;

export function streamRoutes({ sql, dbKind }: Deps) {
  return new Hono<Env>().get('/', async (c) => {
    const feed = await changeFeed(sql, dbKind);
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('last_event_id');
    c.header('x-accel-buffering', 'no'); // nginx-style proxies: do not hold events back
    return streamSSE(c, async (stream) => {
      const queue: ChangeEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = feed.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ mode: feed.mode }), retry: RETRY_MS });
        if (lastEventId) {
          const caughtUp = await feed.since(lastEventId);
          queue.push(...afterCatchUp(caughtUp, queue.splice(0)));
        }
        while (!stream.aborted) {
          while (queue.length) {
            const e = queue.shift()!;
            await stream.writeSSE({
              event: e.reset ? 'reset' : 'change',
              id: e.id,
              data: JSON.stringify({ stock: e.stock, signals: e.signals })
            });
          }
          const ping = await new Promise<boolean>((resolve) => {
            const t = setTimeout(() => resolve(true), PING_MS);
            wake = () => (clearTimeout(t), resolve(false));
          });
          wake = null;
          if (ping && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '' });
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
