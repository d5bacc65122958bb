// Node side of the labs: reads labs/ from disk into the catalogue (the Vite
// plugin and the tests), and runs a lab's check on a file map (the tests and
// scripts/check-lab.ts) in a Python process with a private server.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodePythonProcess } from '../processes/node.ts';
import { createPrivateServer } from '../processes/private-server.ts';
import type { ProcessEvent } from '../processes/protocol.ts';
import type { EngineModule } from '../server/engine-module.ts';
import { loadEngineModuleNode } from '../server/node.ts';
import { buildCatalog, type Lab, type LabCatalog, type LabFolder } from './catalog.ts';
import { CheckRecorder, checkProcessStart, superviseCheck, type CheckReport } from './check-run.ts';

/** labs/ at the repository root. */
export const LABS_DIR = fileURLToPath(new URL('../../../labs/', import.meta.url));

/** Every folder of `dir`, validated; throws LabFormatError naming each bad lab and what is wrong. */
export function readLabs(dir: string = LABS_DIR): LabCatalog {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => readLabFolder(join(dir, entry.name)));
  return buildCatalog(folders);
}

/** One folder as LabFolder: its top-level files as text, its directories as {relative path: text}. */
export function readLabFolder(path: string): LabFolder {
  const folder: LabFolder = { name: path.split(sep).filter(Boolean).pop()!, files: {}, directories: {} };
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (skipped(entry.name)) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) folder.directories[entry.name] = readTree(full);
    else folder.files[entry.name] = readFileSync(full, 'utf8');
  }
  return folder;
}

function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (skipped(entry.name)) continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return files;
}

// Python's caches and editors' hidden files are not part of a lab.
const skipped = (name: string) => name === '__pycache__' || name.startsWith('.');

let engine: Promise<EngineModule> | null = null;

export interface RunLabCheckOptions {
  /** Stop the check after this long (default CHECK_TIME_LIMIT_MS). */
  timeoutMs?: number;
  /** Every event of the check process, as it happens (progress, output, check steps). */
  onEvent?: (event: ProcessEvent) => void;
}

/** Runs `lab`'s check.py on `files` (the attendee's project) in a fresh Python process on a private server. */
export async function runLabCheck(lab: Lab, files: Record<string, string>, options: RunLabCheckOptions = {}): Promise<CheckReport> {
  const start = checkProcessStart(lab, files);
  engine ??= loadEngineModuleNode();
  const loadEngine = () => engine!;
  const server = createPrivateServer(loadEngine);
  const recorder = new CheckRecorder();
  const process = createNodePythonProcess({
    ...start,
    rpc: server,
    loadEngine,
    onEvent: (event) => {
      recorder.accept(event);
      options.onEvent?.(event);
    },
  });
  try {
    return await superviseCheck({ exited: process.run(), stop: () => process.stop() }, recorder, options.timeoutMs);
  } finally {
    process.dispose();
    await server.close();
  }
}
