// The developer page (web/dev/python.html): a server worker (engine.wasm behind
// a ServerHost, in memory) and, on request, a Python process worker whose
// WorkflowService calls the page relays to it (serveRpc on a ServerClient). The
// browser test drives it through window.durableLabDev; no UI design here.
import { ServerClient } from '../server/server-client.ts';
import { PythonWorkerProcess } from './controller.ts';
import { serveRpc } from './rpc-channel.ts';
import type { ExitInfo, ProcessEvent } from './protocol.ts';

const status = document.getElementById('status')!;
const log = document.getElementById('log')!;
const base = new URL('../', document.baseURI).href; // the site root (this page is in dev/)
const server = new ServerClient(new Worker(new URL('../server/server-worker.ts', import.meta.url), { type: 'module', name: 'server' }));

let python: PythonWorkerProcess | null = null;
const events: ProcessEvent[] = [];

const api = {
  // In memory, in a database of its own: a test page starts from nothing and leaves nothing behind.
  ready: server.hello(new URL('engine/engine.mjs', base).href, { durability: 'memory', database: `dev-python-${Date.now()}-${Math.random()}` }),
  events,
  /** One WorkflowService call on the server worker. */
  call: (method: string, req: unknown) => server.call<unknown>(method, req),
  /** Starts a Python process on `files`; resolves once it has been handed its server port. */
  async startPython(files: Record<string, string>, options: { entry?: string; forceNoJspi?: boolean; unresponsiveMs?: number } = {}) {
    // The Python worker's WorkflowService calls come over port2; the page relays them to the server worker.
    const channel = new MessageChannel();
    const serving = serveRpc(channel.port1, server);
    events.length = 0;
    python = new PythonWorkerProcess({
      files, ...options, serverPort: channel.port2, baseUrl: base,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'exit') serving.close();
        if (event.type === 'output' || event.type === 'log') log.textContent += `${'text' in event ? event.text : event.message}\n`;
        if (event.type === 'progress') status.textContent = `python: ${event.stage} ${Math.round(event.fraction * 100)}%`;
        if (event.type === 'exit') status.textContent = `python exited: ${JSON.stringify(event.exit)}`;
      },
    });
  },
  stopPython: (): Promise<ExitInfo> => python?.stop() ?? Promise.resolve({ code: 0, reason: 'completed' }),
  killPython: (): ExitInfo | undefined => python?.kill(),
  exited: (): Promise<ExitInfo> | undefined => python?.exited,
  jspi: () => python?.jspi ?? null,
};

declare global {
  interface Window { durableLabDev: typeof api }
}
window.durableLabDev = api;
api.ready.then(
  ({ version }) => { status.textContent = `server ready (engine ${version})`; },
  (error: Error) => { status.textContent = `server failed: ${error.message}`; },
);
