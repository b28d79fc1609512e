// Replenishment signals: list them, and let a supervisor acknowledge or fulfil one.
import { Hono, type Context } from 'hono';
import { uuid } from '#domain/events';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, queryParams } from '../../http/errors';
import { moveSignal } from './lifecycle';
import { signalFilter, signalsQuery } from './queries';

export function signalRoutes({ sql }: Deps) {
  const handler = (to: 'ACKNOWLEDGED' | 'FULFILLED') => async (c: Context<Env>) => {
    const id = uuid.safeParse(c.req.param('signal_id'));
    if (!id.success) throw new ApiError(400, 'invalid_request', 'signal_id must be a UUID.');
    return c.json(await moveSignal(sql, id.data.toLowerCase(), to, c.get('user').email));
  };

  return new Hono<Env>()
    .get('/', async (c) => c.json({ rows: await signalsQuery(sql, queryParams(c, signalFilter)) }))
    .post('/:signal_id/acknowledge', handler('ACKNOWLEDGED'))
    .post('/:signal_id/fulfill', handler('FULFILLED'));
}
