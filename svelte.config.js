import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A client-only PWA: one HTML shell that routes on the device, so it opens offline.
    // precompress: a .br and a .gz beside every file, which the server sends to a browser that accepts them (about a
    // quarter of the bytes on the station's first load, issue 18).
    adapter: adapter({ fallback: 'index.html', strict: true, precompress: true }),
    // The shell's stylesheet (app.css and the layout's, under 2 kB) inline in index.html: nothing blocks the first paint.
    inlineStyleThreshold: 4096,
    serviceWorker: { register: false } // the page registers it through workbox-window
  }
};
