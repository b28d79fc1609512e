// The client hook turns zod's JIT off without importing zod: zod must read the setting it leaves on globalThis.
import { describe, expect, it } from 'vitest';

describe('the client hook', () => {
  it('makes zod jitless, set before zod loads', async () => {
    await import('./hooks.client');
    const { z } = await import('zod');
    expect(z.config().jitless).toBe(true);
    // And the parsers zod builds then work without `new Function`: an object schema parses.
    expect(z.object({ a: z.number() }).parse({ a: 1 })).toEqual({ a: 1 });
  });
});
