// Runs once when the app starts in the browser, before any page.

// Zod compiles object parsers with `new Function` when eval is allowed, and probes for it first; under our
// Content-Security-Policy (no 'unsafe-eval', server/http/security.ts) even the probe is reported as a violation.
// Zod keeps its settings in globalThis.__zod_globalConfig and creates that object only when none is there
// (zod/v4/core/core.js): set here, before any page loads zod, it is `z.config({ jitless: true })` without importing
// zod into every page (4.4 kB compressed on the station's first screen, issue 18). hooks.client.test.ts holds zod to it.
const zodGlobal = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
(zodGlobal.__zod_globalConfig ??= {}).jitless = true;

// A module (app.js imports it for its hooks), though it exports none: the setting above is all it does.
export {};
