/**
 * Vite build of the web application: React + uPlot, built into web/dist, which the API server serves
 * with a single-page-app fallback. `npx vite --config web/vite.config.ts` runs the dev server and
 * proxies /api (REST, WebSocket and SSE) to the platform started with `npm start` (LOADSCOPE_API_URL
 * overrides http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env['LOADSCOPE_API_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { port: 5173, proxy: { '/api': { target, changeOrigin: false, ws: true } } },
});
