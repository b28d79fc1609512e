// Runs once when the app starts in the browser, before any page.
import { z } from 'zod';

// Zod compiles object parsers with `new Function` when eval is allowed, and probes for it first; under our
// Content-Security-Policy (no 'unsafe-eval', server/security.ts) even the probe is reported as a violation.
z.config({ jitless: true });
