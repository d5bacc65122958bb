// The Python process: Pyodide + web/python (temporalio, nest_asyncio) + the
// attendee's files, running an entry script (worker.py) the way
// `python worker.py` would. This core is environment-neutral: the module Web
// Worker (python-worker.ts) and Node (node.ts, for tests and benchmarks) give
// it loaders for Pyodide, engine.wasm and the package files, and an RpcTarget
// for the server.
//
// An MCP server process is the same with `mcpPort`: its script's
// `mcp.run()` serves the page's MCP client over that port (mcp._internal.host).
// A lab check is the same running check.py (durable_lab.checks), whose steps
// arrive as `check` events, usually on a private server (private-server.ts).
//
// Lifecycle: run() loads everything (reporting `progress`), runs the script,
// streams `output` and `log` events, and resolves with the ExitInfo (also sent
// as an `exit` event). stop() cancels the script's main task so the temporalio
// Worker shuts down; in the browser the page then terminates the Web Worker.
// A script that never yields cannot be stopped from inside its own thread:
// the page's watchdog (controller.ts) terminates the Web Worker instead.
import type { PyodideInterface } from 'pyodide';
import type { EngineModule } from '../server/engine-module.ts';
import { createCoreFactory, createMcpTransport, createRpc, type PythonCore, type RpcTarget } from './host-interfaces.ts';
import type { CheckEvent, ExitInfo, ProcessEvent, PythonStage } from './protocol.ts';
import type { PortLike } from './rpc-channel.ts';

export interface PythonProcessOptions {
  /** The attendee's files, {relative path: text}, written to the working directory (/home/pyodide). */
  files: Record<string, string>;
  /** The script to run as __main__; default "worker.py". */
  entry?: string;
  argv?: string[];
  /** The server (a ServerHost, or an RpcChannelClient to the server worker). */
  rpc: RpcTarget;
  /** For an MCP server process: the port to the page's MCP client (web/src/mcp/port-protocol.ts). */
  mcpPort?: PortLike;
  loadPyodide: () => Promise<PyodideInterface>;
  loadEngine: () => Promise<EngineModule>;
  /** web/python as {path relative to site-packages: text}. */
  loadPackages: () => Promise<Record<string, string>>;
  onEvent: (event: ProcessEvent) => void;
  /** Root logging level in Python (default INFO, so activity.logger.info lines show). */
  logLevel?: string;
  /** Drive asyncio.run from the host even where JSPI exists (to test that path). */
  forceNoJspi?: boolean;
}

const FRACTION: Record<PythonStage, number> = { runtime: 0.05, engine: 0.55, packages: 0.65, files: 0.75, starting: 0.85, ready: 1 };
export const WORKING_DIRECTORY = '/home/pyodide';

/** Checks an attendee file map; returns a message for a person, or null. */
export function checkFiles(files: Record<string, string>): string | null {
  if (!files || typeof files !== 'object') return 'files must be an object {path: text}';
  for (const [name, text] of Object.entries(files)) {
    if (typeof text !== 'string') return `${name}: the content must be text`;
    if (!name || name.startsWith('/') || name.split('/').some((part) => part === '..' || part === '' || part === '.')) {
      return `${JSON.stringify(name)} is not a relative path inside the project (no leading "/", no "." or ".." parts)`;
    }
  }
  return null;
}

export class PythonProcess {
  readonly #options: PythonProcessOptions;
  #pyodide: PyodideInterface | null = null;
  #cores: PythonCore[] = [];
  #running: Promise<ExitInfo> | null = null;
  #stopRequested = false;
  #ready = false;
  #exit: ExitInfo | null = null;

  constructor(options: PythonProcessOptions) {
    this.#options = options;
  }

  /** The Pyodide instance once loaded (tests and benchmarks drive it directly). */
  get pyodide(): PyodideInterface | null {
    return this.#pyodide;
  }

  get exitInfo(): ExitInfo | null {
    return this.#exit;
  }

  /** Loads, runs the entry script, resolves when it ends. Never rejects. */
  run(): Promise<ExitInfo> {
    this.#running ??= this.#run().then((exit) => {
      this.#exit = exit;
      this.#emit({ type: 'exit', exit });
      return exit;
    });
    return this.#running;
  }

  /**
   * Cancels the script's main task (the Worker shuts down and its polls are
   * cancelled on the server) and waits up to `graceMs` for the script to end.
   */
  async stop(graceMs = 5_000): Promise<ExitInfo> {
    this.#stopRequested = true;
    if (!this.#running) {
      this.#exit = { code: 130, reason: 'stopped' };
      return this.#exit;
    }
    try {
      this.#pyodide?.runPython('import durable_lab_process\ndurable_lab_process.stop()');
    } catch {
      // not loaded yet: run() notices #stopRequested between stages
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ExitInfo>((resolve) => {
      timer = setTimeout(() => resolve({ code: 137, reason: 'stopped' }), graceMs);
    });
    const exit = await Promise.race([this.#running, timeout]);
    clearTimeout(timer);
    return exit;
  }

  /** Frees the replay cores. Call after the process ended; the Pyodide instance is not reusable after a stop. */
  dispose(): void {
    for (const core of this.#cores.splice(0)) {
      try {
        core.delete();
      } catch {
        // already freed
      }
    }
  }

  #emit(event: ProcessEvent): void {
    try {
      this.#options.onEvent(event);
    } catch {
      // a broken listener must not break the process
    }
  }

  #markReady(detail: string): void {
    if (this.#ready) return;
    this.#ready = true;
    this.#progress('ready', detail);
  }

  #progress(stage: PythonStage, detail?: string): void {
    this.#emit({ type: 'progress', stage, fraction: FRACTION[stage], detail });
  }

  async #run(): Promise<ExitInfo> {
    const o = this.#options;
    const entry = o.entry ?? 'worker.py';
    const bad = checkFiles(o.files);
    if (bad) return failure('InvalidFiles', bad);
    const stopped = (): ExitInfo | null => (this.#stopRequested ? { code: 130, reason: 'stopped' } : null);

    let stage: PythonStage = 'runtime';
    try {
      this.#progress('runtime', 'loading Pyodide (Python 3 on WebAssembly)');
      const engineLoading = o.loadEngine();
      engineLoading.catch(() => {}); // awaited below; do not report it unhandled meanwhile
      const py = await o.loadPyodide();
      this.#pyodide = py;
      py.setStdout({ batched: (text: string) => this.#emit({ type: 'output', stream: 'stdout', text }) });
      py.setStderr({ batched: (text: string) => this.#emit({ type: 'output', stream: 'stderr', text }) });
      if (stopped()) return stopped()!;

      stage = 'engine';
      this.#progress('engine', 'loading engine.wasm (the replay core)');
      const engine = await engineLoading;
      if (stopped()) return stopped()!;

      stage = 'packages';
      this.#progress('packages', 'installing temporalio');
      const packages = await o.loadPackages();
      installPackages(py, packages);
      const rpc = createRpc(o.rpc, {
        onCall: (method) => { if (method.startsWith('Poll')) this.#markReady('the worker is polling'); },
      });
      const host = py.pyimport('temporalio._internal.host');
      host.install.callKwargs({ rpc, core_factory: createCoreFactory(engine, this.#cores) });
      host.destroy();
      if (o.mcpPort) {
        const mcpHost = py.pyimport('mcp._internal.host');
        mcpHost.install(createMcpTransport(o.mcpPort, { onServing: () => this.#markReady('the MCP server is serving') }));
        mcpHost.destroy();
      }
      // A lab check (durable_lab.checks) reports its steps through this callback.
      const checkHost = py.pyimport('durable_lab._host');
      checkHost.install((eventJson: string) => this.#emit({ type: 'check', event: JSON.parse(eventJson) as CheckEvent }));
      checkHost.destroy();
      const driver = py.pyimport('durable_lab_process');
      driver.setup.callKwargs({
        emit_log: (level: string, logger: string, message: string, timeMs: number) =>
          this.#emit({ type: 'log', level, logger, message, timeMs }),
        level: o.logLevel ?? 'INFO',
        cwd: WORKING_DIRECTORY,
      });
      driver.destroy();
      if (stopped()) return stopped()!;

      stage = 'files';
      this.#progress('files', `writing ${Object.keys(o.files).length} file(s)`);
      writeTree(py, WORKING_DIRECTORY, o.files);
      if (stopped()) return stopped()!;
    } catch (error) {
      return failure('LoadError', `the Python process could not start (${stage}): ${(error as Error)?.message ?? String(error)}`);
    }

    this.#progress('starting', `python ${entry}`);
    const py = this.#pyodide!;
    const globals = py.toPy({ entry, argv: o.argv ?? [], allow_jspi: !o.forceNoJspi });
    try {
      const text: string = await py.runPythonAsync(
        'import json, durable_lab_process\njson.dumps(await durable_lab_process.run_main(entry, list(argv), allow_jspi))',
        { globals },
      );
      return JSON.parse(text) as ExitInfo;
    } catch (error) {
      // Only a fault of the runtime itself gets here; run_main reports the script's own errors.
      return failure('InternalError', (error as Error)?.message ?? String(error));
    } finally {
      globals.destroy();
    }
  }
}

function failure(type: string, message: string): ExitInfo {
  return { code: 1, reason: 'error', error: { type, message } };
}

function writeTree(py: PyodideInterface, root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = `${root}/${name}`;
    py.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
    py.FS.writeFile(path, text);
  }
}

/** Writes web/python ({path: text}) into site-packages. */
export function installPackages(py: PyodideInterface, files: Record<string, string>): void {
  const sitePackages: string = py.runPython('import site; site.getsitepackages()[0]');
  writeTree(py, sitePackages, files);
  py.runPython('import importlib; importlib.invalidate_caches()');
}
