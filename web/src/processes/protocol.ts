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

export type ProcessEvent =
  | { type: 'progress'; stage: PythonStage; fraction: number; detail?: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'log'; level: string; logger: string; message: string; timeMs: number }
  | { type: 'exit'; exit: ExitInfo };

/**
 * Page -> Python worker. The first message is `start`, transferring the port
 * to the server (rpc-channel.ts) and, with `mcp`, a second port to the page's
 * MCP client (web/src/mcp/port-protocol.ts).
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
      /** Test hook: pretend JSPI is missing (asyncio.run is driven by the host). */
      forceNoJspi?: boolean;
    }
  | { type: 'stop' }
  | { type: 'ping'; id: number };

/** Python worker -> page. */
export type FromPythonWorker = ProcessEvent | { type: 'pong'; id: number } | { type: 'jspi'; available: boolean };
