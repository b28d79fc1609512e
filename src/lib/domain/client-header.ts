// The header LineSync's own pages and tablets send on every write. A plain HTML form on a foreign page cannot set
// a header, and a foreign fetch that sets one needs a CORS preflight this server never grants: so a write that is
// not JSON (a CSV import, a slip upload, a body-less action) is taken only with it (server/http/guard.ts).
export const CLIENT_HEADER = 'x-linesync-client';
export const CLIENT_HEADERS: Readonly<Record<string, string>> = { [CLIENT_HEADER]: '1' };
