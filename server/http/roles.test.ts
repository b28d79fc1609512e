import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteDoc } from '../openapi';
import { compileRoutes, roleFor } from './roles';

describe('roles declared once', () => {
  const doc = (method: RouteDoc['method'], path: string, role: RouteDoc['role']): RouteDoc => ({
    method,
    path,
    role,
    summary: ''
  });
  it('the most specific described route decides, and unknown paths need no role', () => {
    const rules = compileRoutes([
      doc('get', '/api/signals/{signal_id}', 'operator'),
      doc('get', '/api/signals/weekly', 'supervisor'),
      doc('post', '/api/signals/{signal_id}/fulfill', 'supervisor')
    ]);
    expect(roleFor(rules, 'GET', '/api/signals/weekly')).toBe('supervisor');
    expect(roleFor(rules, 'GET', '/api/signals/abc')).toBe('operator');
    expect(roleFor(rules, 'HEAD', '/api/signals/abc')).toBe('operator');
    expect(roleFor(rules, 'POST', '/api/signals/abc/fulfill')).toBe('supervisor');
    expect(roleFor(rules, 'POST', '/api/signals/abc/fulfill/')).toBe('supervisor');
    expect(roleFor(rules, 'POST', '/api/signals/a/b/fulfill')).toBeUndefined();
    expect(roleFor(rules, 'DELETE', '/api/signals/abc')).toBeUndefined();
  });
  it('every described supervisor route compiles to a rule that matches its own path', () => {
    const rules = compileRoutes(ROUTES);
    for (const r of ROUTES) {
      const path = r.path.replace(/\{[^}]+\}/g, 'x-1');
      expect(roleFor(rules, r.method.toUpperCase(), path), `${r.method} ${r.path}`).toBe(r.role);
    }
  });
});
