import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by `openmi serve` at /portal/ from dist/portal-ui (src/server/surfaces/portal/portal-surface.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/portal-ui', import.meta.url)),
    emptyOutDir: true,
    // The CSP forbids inline scripts; keep every module an external file.
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  logLevel: 'warn',
});
