// A client-only app: the shell is the same HTML for every route, so it opens offline.
export const ssr = false;
export const prerender = false;
