// The Python process's messages: what the process reports to its host (the
// page, or a Node test) and what the page sends to the Web Worker that runs it.
// Everything is structured-clone JSON.

/** Loading stages, in order; `fraction` grows from 0 to 1 across them. */
export type PythonStage =
  | 'runtime'   // Pyodide (python.wasm and the stdlib) is loading
  | 'engine'    // engine.wasm (the replay core) is loading
  | 'packages'  // web/python (temporalio, nest_asyncio) is installed into site-packages
  | 'files'     // the attendee's files are written to the working directory
  | 'starting'  // the entry script runs (imports, Client.connect, Worker(...))
  | 'ready';    // the script's worker made its first poll, or its MCP server asked for its first message

export interface ExitInfo {
  /** The process exit code, as `python script.py` would give it (0 on success, 1 on an error, 130 when stopped). */
  code: number;
  reason: 'completed' | 'error' | 'stopped';
  /** For reason "error": the exception, with a traceback pointing at the attendee's files. */
  error?: { type: string; message: string; traceback?: string };
}

/** One step's verdict in a lab check (durable_lab.checks, web/python/durable_lab/_steps.py). */
export interface CheckStepResult {
  /** The step function's name in check.py. */
  id: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Real time the step took (not for skipped steps). */
  seconds?: number;
  /** Failed: what to fix (the step's hint), what the step expected, what happened instead, and a traceback or logs. */
  hint?: string;
  expected?: string;
  happened?: string;
  details?: string;
  /** Skipped: which earlier steps it needs that did not pass. */
  reason?: string;
}

/** What a lab check reports while it runs, in this order: plan, then per step started/result, then summary. */
export type CheckEvent =
  | { kind: 'plan'; title: string; steps: Array<{ id: string; title: string; hint: string }> }
  | { kind: 'step-started'; id: string }
  | { kind: 'step-result'; result: CheckStepResult }
  | { kind: 'summary'; passed: number; failed: number; skipped: number };

export type ProcessEvent =
  | { type: 'progress'; stage: PythonStage; fraction: number; detail?: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'log'; level: string; logger: string; message: string; timeMs: number }
  | { type: 'check'; event: CheckEvent }
  | { type: 'exit'; exit: ExitInfo };

/**
 * Page -> Python worker. The first message is `start`, transferring the port
 * to the server (rpc-channel.ts) and, with `mcp`, a second port to the page's
 * MCP client (web/src/mcp/port-protocol.ts). With `privateServer` no server
 * port is sent: the worker runs a fresh in-memory server of its own.
 */
export type ToPythonWorker =
  | {
      type: 'start';
      files: Record<string, string>;
      entry?: string;
      argv?: string[];
      /** Where pyodide.mjs and its files are (same origin). */
      pyodideUrl: string;
      /** The web/python bundle: JSON {path: text} (see vite-plugin.ts). */
      packagesUrl: string;
      /** engine.mjs (engine.wasm next to it), for the replay core. */
      engineUrl: string;
      logLevel?: string;
      /** This is an MCP server process: the second transferred port is its MCP client. */
      mcp?: boolean;
      /**
       * Serve the process from a fresh in-memory server inside this worker
       * (private-server.ts) instead of the page's server: a lab check's
       * engine, which never touches the attendee's workflows. Any MCP port is then the first port.
       */
      privateServer?: boolean;
      /** Test hook: pretend JSPI is missing (asyncio.run is driven by the host). */
      forceNoJspi?: boolean;
    }
  | { type: 'stop' }
  | { type: 'ping'; id: number };

/** Python worker -> page. */
export type FromPythonWorker = ProcessEvent | { type: 'pong'; id: number } | { type: 'jspi'; available: boolean };
