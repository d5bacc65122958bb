// Vite plugin: ships the Python process's files with the site, so the browser
// fetches everything from the site's own origin (no CDN):
//   pyodide/   pyodide.mjs, pyodide.asm.mjs/.wasm, python_stdlib.zip, pyodide-lock.json (from node_modules/pyodide)
//   python/packages.json   web/python as {path: text} (temporalio, nest_asyncio, durable_lab_process)
//   dev/python.html        a developer page that runs a Python process (the browser test drives it)
// `vite` (dev) serves the same paths from a middleware; `vite build` emits them into dist/.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { readPythonPackages } from './node.ts';

const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
const TYPES: Record<string, string> = { mjs: 'text/javascript', wasm: 'application/wasm', zip: 'application/zip', json: 'application/json' };

function pyodideDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('pyodide/package.json'));
}

export function pythonProcessPlugin(): Plugin {
  const webRoot = fileURLToPath(new URL('../../', import.meta.url));
  return {
    name: 'durable-lab-python-process',
    config() {
      return {
        build: {
          rollupOptions: {
            input: { main: join(webRoot, 'index.html'), 'python-dev': join(webRoot, 'dev/python.html') },
          },
        },
      };
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!;
        const pyodide = path.match(/\/pyodide\/([\w.-]+)$/);
        if (pyodide && PYODIDE_FILES.includes(pyodide[1]!)) {
          res.setHeader('Content-Type', TYPES[pyodide[1]!.split('.').pop()!] ?? 'application/octet-stream');
          res.end(readFileSync(join(pyodideDir(), pyodide[1]!)));
          return;
        }
        if (path.endsWith('/python/packages.json')) {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(readPythonPackages()));
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const name of PYODIDE_FILES) {
        this.emitFile({ type: 'asset', fileName: `pyodide/${name}`, source: readFileSync(join(pyodideDir(), name)) });
      }
      this.emitFile({ type: 'asset', fileName: 'python/packages.json', source: JSON.stringify(readPythonPackages()) });
    },
  };
}
