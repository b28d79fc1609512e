import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  build: {
    rolldownOptions: {
      // The timings check (PLUGIN_TIMINGS) fires on every build because SvelteKit's writeBundle hook does the
      // service worker build and the adapter's output (~70 % of the build, measured): expected work, not a slow
      // plugin to fix. Only this check is off; every other warning still prints.
      checks: { bundlerTimings: false }
    }
  },
  server: {
    // `npm run dev` talks to an API started separately with `npm start` (port 8000 by default).
    proxy: { '/api': 'http://127.0.0.1:8000' }
  }
});
