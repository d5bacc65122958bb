import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { labsPlugin } from './web/src/labs/vite-plugin.ts';
import { pythonProcessPlugin } from './web/src/processes/vite-plugin.ts';

// The site is plain static files with relative paths (any static host, or a
// USB stick), built from web/ into dist/. engine.mjs/engine.wasm are copied
// into web/public/engine/ by scripts/build.mjs and served from there as-is.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  publicDir: 'public',
  // Pyodide, web/python and the developer page dev/python.html; the labs as JSON (see the plugins).
  plugins: [pythonProcessPlugin(), labsPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: {
    format: 'es',
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 8080, strictPort: true, host: 'localhost' },
});
