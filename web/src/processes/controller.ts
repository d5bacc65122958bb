// The page's handle on one Python process: starts python-worker.ts in a
// module Web Worker, connects it to the server, relays its events, and stops
// it for real (Worker.terminate()). A watchdog pings the worker once the
// attendee's script starts: a script that never yields (say `while True: pass`
// at import) blocks the worker's thread, so no pong comes back, and the
// process is reported and terminated. Loading Pyodide is not watched: it is
// our code, and on a slow or busy machine it may hold the thread for seconds.
// Nothing is lost by that: the server's state lives in the server worker.
import type { ExitInfo, FromPythonWorker, ProcessEvent, ToPythonWorker } from './protocol.ts';

export interface StartPythonWorkerOptions {
  files: Record<string, string>;
  entry?: string;
  argv?: string[];
  /** A MessagePort whose other end is served by rpc-channel.ts serveRpc (e.g. on the page's ServerClient). */
  serverPort?: MessagePort;
  /** Instead of `serverPort`: a fresh in-memory server inside the worker (private-server.ts), as a lab check runs on. */
  privateServer?: boolean;
  /** For an MCP server process: the process's end of the page's MCP port (web/src/mcp/port-protocol.ts). */
  mcpPort?: MessagePort;
  /** The site's base URL (document.baseURI): pyodide/, python/packages.json and engine/ live under it. */
  baseUrl: string;
  onEvent: (event: ProcessEvent) => void;
  logLevel?: string;
  /** Without a pong for this long the process counts as hung and is terminated (default 15 s). */
  unresponsiveMs?: number;
  forceNoJspi?: boolean;
}

export class PythonWorkerProcess {
  readonly #worker: Worker;
  readonly #onEvent: (event: ProcessEvent) => void;
  readonly exited: Promise<ExitInfo>;
  #resolveExit!: (exit: ExitInfo) => void;
  #exit: ExitInfo | null = null;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  readonly #unresponsiveMs: number;
  #lastPong = Date.now();
  #ping = 0;
  /** Whether the worker's WebAssembly has JSPI (null until it says). */
  jspi: boolean | null = null;

  constructor(options: StartPythonWorkerOptions) {
    this.#onEvent = options.onEvent;
    this.#unresponsiveMs = options.unresponsiveMs ?? 15_000;
    this.exited = new Promise((resolve) => { this.#resolveExit = resolve; });
    this.#worker = new Worker(new URL('./python-worker.ts', import.meta.url), { type: 'module', name: 'python' });
    this.#worker.addEventListener('message', (event: MessageEvent<FromPythonWorker>) => this.#receive(event.data));
    this.#worker.addEventListener('error', (event) => {
      this.#finish({ code: 1, reason: 'error', error: { type: 'WorkerError', message: event.message || 'the Python worker failed to start' } });
    });
    const base = options.baseUrl;
    const start: ToPythonWorker = {
      type: 'start',
      files: options.files,
      entry: options.entry,
      argv: options.argv,
      logLevel: options.logLevel,
      forceNoJspi: options.forceNoJspi,
      mcp: options.mcpPort !== undefined,
      privateServer: options.privateServer,
      pyodideUrl: new URL('pyodide/pyodide.mjs', base).href,
      packagesUrl: new URL('python/packages.json', base).href,
      engineUrl: new URL('engine/engine.mjs', base).href,
    };
    const ports = [options.privateServer ? undefined : options.serverPort, options.mcpPort].filter((port) => port !== undefined);
    this.#worker.postMessage(start, ports);
  }

  get exitInfo(): ExitInfo | null {
    return this.#exit;
  }

  /** Asks the script to stop (the Worker shuts down cleanly), then terminates the Web Worker after `graceMs`. */
  async stop(graceMs = 2_000): Promise<ExitInfo> {
    if (this.#exit) return this.#exit;
    this.#worker.postMessage({ type: 'stop' } satisfies ToPythonWorker);
    const timer = setTimeout(() => this.kill(), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Terminates the Web Worker at once, like killing the process. */
  kill(): ExitInfo {
    return this.#finish({ code: 137, reason: 'stopped' });
  }

  #receive(message: FromPythonWorker): void {
    if (message.type === 'pong') {
      this.#lastPong = Date.now();
      return;
    }
    if (message.type === 'jspi') {
      this.jspi = message.available;
      return;
    }
    if (this.#exit) return;
    this.#lastPong = Date.now();
    if (message.type === 'progress' && message.stage === 'starting') this.#armWatchdog();
    this.#onEvent(message);
    if (message.type === 'exit') this.#finish(message.exit, false);
  }

  #armWatchdog(): void {
    if (this.#watchdog !== undefined) return;
    const limit = this.#unresponsiveMs;
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.#lastPong > limit) {
        const message = `The Python process has not responded for ${Math.round(limit / 1000)} s: code that never awaits ` +
          '(for example `while True: pass` at import time or in an activity) blocks it. It was stopped; fix the code and run it again.';
        this.#onEvent({ type: 'output', stream: 'stderr', text: message });
        this.#finish({ code: 137, reason: 'error', error: { type: 'Unresponsive', message } });
        return;
      }
      this.#worker.postMessage({ type: 'ping', id: ++this.#ping } satisfies ToPythonWorker);
    }, 1_000);
  }

  #finish(exit: ExitInfo, emit = true): ExitInfo {
    if (this.#exit) return this.#exit;
    this.#exit = exit;
    clearInterval(this.#watchdog);
    this.#worker.terminate();
    if (emit) this.#onEvent({ type: 'exit', exit });
    this.#resolveExit(exit);
    return exit;
  }
}
