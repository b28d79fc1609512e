// Each route's role is declared once, in openapi.ts's ROUTES, and enforced here before any route runs: a route file
// never repeats it, and a route cannot be served with a role other than the one its description claims (app.test.ts
// checks that every served route is described).
import { createMiddleware } from 'hono/factory';
import type { RouteDoc } from '../openapi';
import type { Env } from './auth';
import { ApiError } from './errors';

export interface Rule {
  method: string;
  pattern: RegExp;
  params: number;
  role: RouteDoc['role'];
  doc: RouteDoc;
}

function compile(r: RouteDoc): Rule {
  const parts = r.path
    .split('/')
    .map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return {
    method: r.method.toUpperCase(),
    pattern: new RegExp(`^${parts.join('/')}/?$`),
    params: (r.path.match(/\{/g) ?? []).length,
    role: r.role,
    doc: r
  };
}

/** The role a request needs: the most specific described route it matches (/api/signals/weekly before
 *  /api/signals/{signal_id}), or undefined for a path no route serves (it answers 404 further on). */
export function roleFor(rules: Rule[], method: string, path: string): RouteDoc['role'] | undefined {
  return routeFor(rules, method, path)?.role;
}

/** The described route a request is for (the most specific match, as roleFor), or undefined. */
export function routeFor(rules: Rule[], method: string, path: string): RouteDoc | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  let best: Rule | undefined;
  for (const r of rules) if (r.method === m && r.pattern.test(path) && (!best || r.params < best.params)) best = r;
  return best?.doc;
}

export function compileRoutes(routes: RouteDoc[]): Rule[] {
  return routes.map(compile);
}

export function requireRoles(routes: RouteDoc[]) {
  const rules = compileRoutes(routes);
  return createMiddleware<Env>(async (c, next) => {
    const user = c.get('user');
    if (roleFor(rules, c.req.method, c.req.path) === 'supervisor' && user.role !== 'supervisor')
      throw new ApiError(403, 'forbidden', `Only supervisors may do this; ${user.email} is an operator.`);
    await next();
  });
}
