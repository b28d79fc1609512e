import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A client-only PWA: one HTML shell that routes on the device, so it opens offline.
    adapter: adapter({ fallback: 'index.html', strict: true }),
    serviceWorker: { register: false } // the page registers it through workbox-window
  }
};
