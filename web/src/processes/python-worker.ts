// The Python process as a module Web Worker. The page (controller.ts) sends
// {type:"start", ...} with a MessagePort to the server (rpc-channel.ts), or
// `privateServer` for a server of its own (a lab check), and, for an MCP
// server process, a port to the page's MCP client; this worker
// loads Pyodide, engine.wasm and web/python from the site's own origin, runs
// the entry script and posts ProcessEvents back. {type:"stop"} cancels the
// script; the page then terminates this worker for real.
import type { PyodideInterface } from 'pyodide';
import { loadEngineModule, type EngineModule } from '../server/engine-module.ts';
import type { FromPythonWorker, ToPythonWorker } from './protocol.ts';
import { createPrivateServer } from './private-server.ts';
import { PythonProcess } from './python-process.ts';
import { RpcChannelClient } from './rpc-channel.ts';

const post = (message: FromPythonWorker) => self.postMessage(message);
let process: PythonProcess | null = null;

async function loadPyodideFrom(url: string): Promise<PyodideInterface> {
  const module = (await import(/* @vite-ignore */ url)) as { loadPyodide: (options: { indexURL: string }) => Promise<PyodideInterface> };
  return module.loadPyodide({ indexURL: new URL('.', url).href });
}

self.addEventListener('message', (event: MessageEvent<ToPythonWorker>) => {
  const message = event.data;
  if (message.type === 'ping') {
    post({ type: 'pong', id: message.id });
  } else if (message.type === 'stop') {
    if (process) void process.stop();
    else post({ type: 'exit', exit: { code: 130, reason: 'stopped' } });
  } else if (message.type === 'start' && !process) {
    const ports = [...event.ports];
    const serverPort = message.privateServer ? undefined : ports.shift();
    const mcpPort = message.mcp ? ports.shift() : undefined;
    const missing = !message.privateServer && !serverPort ? 'a MessagePort to the server'
      : message.mcp && !mcpPort ? 'a MessagePort to the MCP client' : null;
    if (missing) {
      post({ type: 'exit', exit: { code: 1, reason: 'error', error: { type: 'LoadError', message: `start needs ${missing}` } } });
      return;
    }
    const wasm = WebAssembly as unknown as Record<string, unknown>;
    post({ type: 'jspi', available: typeof wasm.Suspending === 'function' || typeof wasm.Suspender === 'function' });
    // One engine module serves the replay core and, for a private server, the server too.
    let engine: Promise<EngineModule> | null = null;
    const loadEngine = () => (engine ??= loadEngineModule(message.engineUrl));
    process = new PythonProcess({
      files: message.files,
      entry: message.entry,
      argv: message.argv,
      logLevel: message.logLevel,
      forceNoJspi: message.forceNoJspi,
      rpc: serverPort ? new RpcChannelClient(serverPort) : createPrivateServer(loadEngine),
      mcpPort,
      loadPyodide: () => loadPyodideFrom(message.pyodideUrl),
      loadEngine,
      loadPackages: async () => {
        const response = await fetch(message.packagesUrl);
        if (!response.ok) throw new Error(`${message.packagesUrl}: HTTP ${response.status}`);
        return (await response.json()) as Record<string, string>;
      },
      onEvent: post,
    });
    void process.run();
  }
});
