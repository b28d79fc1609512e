import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

// The app's version: package.json's, plus the build's time in ms ("0.1.0+1764662400000"), which the fleet page reads
// back as "0.1.0 · built …". SvelteKit imports this file afresh several times in one build (and again in the child it
// forks to analyse the build), so a bare Date.now() here would name the page and the service worker differently: the
// first evaluation keeps its time in the environment, which later ones (and forked children) read. Setting
// LINESYNC_BUILD_TIME pins it (a reproducible build). A new build still gets a new name, which the update flow needs.
process.env.LINESYNC_BUILD_TIME ??= String(Date.now());
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A client-only PWA: one HTML shell that routes on the device, so it opens offline.
    // precompress: a .br and a .gz beside every file, which the server sends to a browser that accepts them (about a
    // quarter of the bytes on the station's first load, issue 18).
    adapter: adapter({ fallback: 'index.html', strict: true, precompress: true }),
    // The shell's stylesheet (app.css and the layout's, under 2 kB) inline in index.html, and the station's (11 kB,
    // 2 kB compressed) in the station's own HTML (src/routes/station/+page.ts): nothing blocks the first paint.
    inlineStyleThreshold: 16384,
    // Absolute paths in the station's prerendered HTML too: its inline bootstrap is then index.html's, byte for byte,
    // and the CSP's hash of it (server/http/security.ts) holds for both.
    paths: { relative: false },
    serviceWorker: { register: false }, // the page registers it through workbox-window
    version: { name: `${version}+${process.env.LINESYNC_BUILD_TIME}` }
  }
};
