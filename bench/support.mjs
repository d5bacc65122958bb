// What the bench/*-bench.mjs scripts share (this file is not a bench: run.mjs
// runs only *-bench.mjs). Node builtins only at the top, so a bench can call
// relaunch() before tsx is loaded; the TypeScript hosts are imported lazily.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Re-runs the calling script under tsx (the hosts are TypeScript) with the
 * given Node flags, once: returns in the child, exits in the parent.
 */
export function relaunch(scriptUrl, flags = []) {
  if (process.env.DURABLE_BENCH_CHILD) return;
  const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, DURABLE_BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

/** JSPI, as Chromium has it, so a worker script's asyncio.run blocks as in CPython. */
export const JSPI = '--experimental-wasm-stack-switching';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const logger = (name) => (...args) => console.error(`[${name}]`, ...args);

/** Prints a suite's result as the last stdout line, where run.mjs reads it. */
export function report(suite) {
  console.log(JSON.stringify(suite));
}

/**
 * The built site the browser benches load and size-bench measures. run.mjs
 * builds it once into build-bench/site/ (buildSite) and passes the folder in
 * DURABLE_BENCH_SITE; run alone, a bench uses dist/ (`npx vite build`).
 */
export function siteDir() {
  const dir = process.env.DURABLE_BENCH_SITE ?? join(root, 'dist');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} has no built site: run \`npx vite build\` first`);
  return dir;
}

const chunksFile = (dir) => `${dir.replace(/\/$/, '')}.chunks.json`;

/**
 * Builds the site from the working tree with Vite's build() into `outDir`
 * (dist/ is left alone: the browser tests use it) and records the bundle's
 * chunk graph (which chunk imports which, their CSS and module lengths)
 * beside it in `outDir`.chunks.json, for size-bench.
 */
export async function buildSite(outDir = join(root, 'build-bench', 'site')) {
  const { build } = await import('vite');
  const chunks = {};
  await build({
    configFile: join(root, 'vite.config.ts'), logLevel: 'warn',
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 100_000 },
    plugins: [{
      name: 'durable-bench-chunks',
      generateBundle(_options, bundle) {
        for (const item of Object.values(bundle)) {
          if (item.type !== 'chunk') continue;
          chunks[item.fileName] = {
            facade: item.facadeModuleId ?? '', imports: item.imports, css: [...(item.viteMetadata?.importedCss ?? [])],
            modules: Object.entries(item.modules).map(([id, m]) => ({ id, length: m.renderedLength })),
          };
        }
      },
    }],
  });
  writeFileSync(chunksFile(outDir), JSON.stringify(chunks));
  return outDir;
}

/** The chunk graph buildSite recorded for the site in `dir`. */
export function siteChunks(dir) {
  if (!existsSync(chunksFile(dir))) throw new Error(`${chunksFile(dir)} is missing: build the site with buildSite()`);
  return JSON.parse(readFileSync(chunksFile(dir), 'utf8'));
}

/** The server as the browser's server worker runs it: ServerHost on a fresh engine.wasm instance. */
export async function serverHost() {
  const { ServerHost } = await import('../web/src/server/host.ts');
  const { MemoryBatchStore } = await import('../web/src/server/store/memory-store.ts');
  const { loadEngineModuleNode } = await import('../web/src/server/node.ts');
  const engine = await loadEngineModuleNode();

  /** A ServerHost on `store` (a MemoryBatchStore unless given), opened. */
  async function newServer(store = new MemoryBatchStore()) {
    const host = new ServerHost({ engine, store, engineOptions: { longPollTimeoutMs: 5_000 } });
    await host.open();
    return host;
  }

  const environment = `engine ${engine.version()}, Node ${process.version}`;
  return { engine, environment, MemoryBatchStore, newServer };
}

/**
 * The Python runtime under Node as the browser runs it without a browser: a
 * ServerHost on engine.wasm and the process host of web/src/processes/.
 */
export async function pythonHost() {
  const { createNodePythonProcess } = await import('../web/src/processes/node.ts');
  const server = await serverHost();

  /** Starts a Python process on `files`; resolves with it and the ms from creation to its first poll. */
  async function startProcess(host, files) {
    const t0 = performance.now();
    let readyAt = 0;
    let resolveReady;
    const ready = new Promise((resolve) => { resolveReady = resolve; });
    const proc = createNodePythonProcess({
      files, rpc: host,
      onEvent: (e) => {
        if (e.type === 'progress' && e.stage === 'ready') { readyAt = performance.now(); resolveReady(); }
        if (e.type === 'exit') resolveReady(e.exit);
      },
    });
    const exited = proc.run();
    const early = await ready;
    if (early) throw new Error(`the Python process exited: ${JSON.stringify(early)}`);
    return { proc, exited, ms: readyAt - t0 };
  }

  async function stopProcess(p) {
    await p.proc.stop();
    p.proc.dispose();
  }

  const pyodide = JSON.parse(readFileSync(join(root, 'node_modules', 'pyodide', 'package.json'), 'utf8')).version;
  const environment = `Pyodide ${pyodide} under Node ${process.version} with JSPI (${JSPI}), engine ${server.engine.version()}`;
  return { ...server, environment, startProcess, stopProcess };
}
