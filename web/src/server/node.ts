// Node-only helpers: load engine.wasm from disk (the Emscripten loader cannot
// fetch a file path under Node, so the bytes are passed in).
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadEngineModule, type EngineModule } from './engine-module.ts';

/** Where scripts/build.mjs puts engine.mjs and engine.wasm. */
export const DEFAULT_ENGINE_DIR = fileURLToPath(new URL('../../public/engine/', import.meta.url));

export async function loadEngineModuleNode(dir: string = DEFAULT_ENGINE_DIR): Promise<EngineModule> {
  const base = pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`);
  const wasmBinary = await readFile(new URL('engine.wasm', base));
  return loadEngineModule(new URL('engine.mjs', base), { wasmBinary });
}
