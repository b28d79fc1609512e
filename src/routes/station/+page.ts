// The station's own HTML (build/station.html), still the client-only shell, but with a modulepreload link for every
// chunk the first screen imports: the browser fetches them all at once, where index.html names only the router's and
// the station's ~12 chunks waited for the router to run first (a second wave over HTTP/1.1's six connections, the
// LCP of the mobile preset, issue 18). server/http/static.ts serves it for /station, the service worker caches it.
export const prerender = true;
