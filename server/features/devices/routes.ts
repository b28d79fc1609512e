// GET /api/devices: every device with its sync health.
import { Hono } from 'hono';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { listDevices } from './devices';

export function deviceRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', async (c) => c.json({ rows: await listDevices(sql) }));
}
