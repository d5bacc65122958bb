// Node helpers for the Python process (tests, benchmarks): Pyodide from
// node_modules, engine.wasm from web/public/engine, web/python from disk.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PyodideInterface } from 'pyodide';
import { loadEngineModuleNode } from '../server/node.ts';
import { PythonProcess, type PythonProcessOptions } from './python-process.ts';

/** web/python in this repository. */
export const PYTHON_PACKAGES_DIR = fileURLToPath(new URL('../../python/', import.meta.url));

/** Every .py file under `dir` as {relative path: text} (what the site ships as python/packages.json). */
export function readPythonPackages(dir: string = PYTHON_PACKAGES_DIR): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name === '__pycache__' || entry.name.startsWith('.')) continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.py')) files[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** Pyodide from the `pyodide` npm package (no network). */
export async function loadPyodideNode(): Promise<PyodideInterface> {
  const { loadPyodide } = await import('pyodide');
  return loadPyodide();
}

export type NodePythonProcessOptions = Omit<PythonProcessOptions, 'loadPyodide' | 'loadEngine' | 'loadPackages'> &
  Partial<Pick<PythonProcessOptions, 'loadPyodide' | 'loadEngine' | 'loadPackages'>> & { engineDir?: string };

/** A PythonProcess with the Node loaders filled in. */
export function createNodePythonProcess(options: NodePythonProcessOptions): PythonProcess {
  return new PythonProcess({
    loadPyodide: loadPyodideNode,
    loadEngine: () => loadEngineModuleNode(options.engineDir),
    loadPackages: async () => readPythonPackages(),
    ...options,
  });
}
