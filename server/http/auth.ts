// Who is asking, and what they may do. Behind Databricks Apps the proxy authenticates and names the user in
// X-Forwarded-* headers; those headers are trusted only in that mode, because anyone can send them elsewhere.
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config';
import type { Sql } from '../db/connect';
import { ApiError } from './errors';

type Role = 'operator' | 'supervisor';
interface User {
  email: string;
  role: Role;
}
export type Env = { Variables: { user: User } };

const EMAIL = /^[^\s@<>"]{1,200}@[^\s@<>"]{1,200}$/;

export function identify(config: Config, sql: Sql) {
  return createMiddleware<Env>(async (c, next) => {
    if (config.AUTH_MODE === 'local') {
      c.set('user', { email: config.LOCAL_USER_EMAIL, role: 'supervisor' });
      return next();
    }
    const email = (c.req.header('x-forwarded-email') ?? '').trim().toLowerCase();
    if (!email)
      throw new ApiError(
        401,
        'unauthenticated',
        'Sign in through Databricks: the request carries no X-Forwarded-Email.'
      );
    if (!EMAIL.test(email)) throw new ApiError(401, 'unauthenticated', 'X-Forwarded-Email is not an email address.');
    c.set('user', { email, role: await roleOf(sql, config, email) });
    await next();
  });
}

async function roleOf(sql: Sql, config: Config, email: string): Promise<Role> {
  if (config.SUPERVISOR_EMAILS.includes(email)) return 'supervisor';
  const [row] = await sql<{ role: Role }[]>`SELECT role FROM user_roles WHERE email = ${email}`;
  return row?.role ?? 'operator';
}
