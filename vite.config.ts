import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // `npm run dev` talks to an API started separately with `npm start` (port 8000 by default).
    proxy: { '/api': 'http://127.0.0.1:8000' }
  }
});
