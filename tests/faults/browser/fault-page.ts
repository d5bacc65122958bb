// Page-side helpers of the browser crash suite (tests/faults/browser-crash.test.ts),
// loaded as window.f into a blank page of the Vite dev server. The page is
// composed as the app composes it (web/src/ui/app.ts): the real
// ServerSupervisor (a module Web Worker running engine.wasm behind a
// ServerHost on IndexedDB, database "durable-lab") and the real
// PythonSupervisor (a Pyodide Web Worker running tests/faults/program, its
// WorkflowService calls served by rpc-channel.ts serveRpc on the
// supervisor's service, which follows the server across restarts). Nothing
// is mocked. The page itself is the client: the harness calls `call` for
// each RPC and acknowledges it only once this function has returned.
import { PythonSupervisor } from '../../../web/src/ui/python-supervisor.ts';
import { ServerSupervisor } from '../../../web/src/ui/server-supervisor.ts';
import type { ServerStatus } from '../../../web/src/server/server-runtime.ts';

const BASE = new URL('/', location.origin).href;
const ENGINE_URL = new URL('engine/engine.mjs', BASE).href;

let server: ServerSupervisor | null = null;
let python: PythonSupervisor | null = null;
let program: { files: Record<string, string>; entry: string } | null = null;
/** Things that must not happen (memory-only durability, a server that fails, a Python worker that exits on its own). */
const problems = new Set<string>();
type Reporting = { __faultLog?: (text: string) => void; __faultProblem?: (text: string) => void };

/** Kept here and sent to the harness at once: a crash would lose the page's copy. */
function problem(text: string): void {
  if (problems.has(text)) return;
  problems.add(text);
  (window as unknown as Reporting).__faultProblem?.(text);
}
/** Python processes the harness killed on purpose (their exits are expected). */
let expectedPythonExits = 0;
let pythonStarts = 0;

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms); }),
  ]);
}

function serverStatus(): ServerStatus | null {
  return server?.status ?? null;
}

/** Resolves once the server worker serves calls from IndexedDB as the owner of the database. */
function serverReady(ms: number): Promise<ServerStatus> {
  const s = server!;
  return timeout(new Promise<ServerStatus>((resolve, reject) => {
    const check = () => {
      const status = s.status;
      if (s.state === 'crashed') { off(); reject(new Error(`the server worker crashed: ${s.detail}`)); return; }
      if (s.state === 'running' && status?.state === 'ready' && status.owner) { off(); resolve(status); }
    };
    const off = s.onChange(check);
    check();
  }), ms, 'the server worker becoming the owner of IndexedDB');
}

/**
 * Creates the supervisors (as app.ts does) and starts the server worker;
 * resolves once it serves, with its status and whether it was already the
 * owner when it answered hello (no other context held the database's lock).
 */
export async function boot(files: Record<string, string>, entry: string, ms = 60_000): Promise<{ status: ServerStatus; ownerAtHello: boolean }> {
  program = { files, entry };
  server = new ServerSupervisor(ENGINE_URL);
  server.onChange(() => {
    const status = server!.status;
    if (status && status.durability === 'memory') problem(`the server runs in memory only: ${status.reason}`);
    if (status && status.state === 'failed') problem(`the server failed: ${status.reason}`);
  });
  python = new PythonSupervisor({
    program: () => ({ files: program!.files, entry: program!.entry, origin: { kind: 'chapter' } }),
    service: server.service,
    baseUrl: BASE,
  });
  python.onChange(() => {
    if (python!.state === 'crashed') problem(`the Python worker crashed: ${python!.detail}`);
  });
  python.onLine((line) => {
    // Errors and anything about nondeterminism go to the harness as they happen (a crash would lose the page's copy).
    if (line.stream === 'stderr' || /^(ERROR|CRITICAL) /.test(line.text) || /nondetermin/i.test(line.text)) {
      (window as unknown as Reporting).__faultLog?.(`${line.stream}: ${line.text}`);
    }
    if (line.stream === 'system' && line.text.startsWith('[process exited')) {
      if (expectedPythonExits > 0) expectedPythonExits--;
      else problem(`the Python worker exited on its own: ${line.text}`);
    }
  });
  await timeout(server.start(), ms, 'the server worker answering hello');
  const ownerAtHello = server.status?.owner === true;
  return { status: await serverReady(ms), ownerAtHello };
}

/** Terminates the server worker (Worker.terminate(), as the Processes page's Kill does). */
export function killServer(): void {
  server!.kill();
}

/** Starts a new server worker, which restores from IndexedDB; resolves once it serves as the owner (see boot). */
export async function startServer(ms = 60_000): Promise<{ status: ServerStatus; ownerAtHello: boolean }> {
  await timeout(server!.start(), ms, 'the server worker answering hello');
  const ownerAtHello = server!.status?.owner === true;
  return { status: await serverReady(ms), ownerAtHello };
}

/** Starts a Python worker; resolves once its Worker made its first poll (state "running"). */
export async function startPython(ms = 180_000): Promise<number> {
  const p = python!;
  p.start();
  pythonStarts++;
  await timeout(new Promise<void>((resolve, reject) => {
    const check = () => {
      if (p.state === 'running') { off(); resolve(); }
      else if (p.state === 'crashed' || p.state === 'stopped') { off(); reject(new Error(`the Python worker ended while loading: ${p.detail}\n${p.lines.slice(-20).map((l) => l.text).join('\n')}`)); }
    };
    const off = p.onChange(check);
    check();
  }), ms, 'the Python worker loading');
  return pythonStarts;
}

/** Terminates the Python worker's Web Worker (Worker.terminate(), as Kill does). */
export function killPython(): void {
  if (python!.state === 'loading' || python!.state === 'running') expectedPythonExits++;
  python!.kill();
}

/** One WorkflowService RPC through the server supervisor's service; the harness acknowledges it only after this returns. */
export function call(method: string, request: unknown, ms = 60_000): Promise<any> {
  const controller = new AbortController();
  return timeout(server!.service.call(method, request, { signal: controller.signal }), ms, method)
    .catch((error: Error & { code?: string }) => {
      controller.abort();
      throw new Error(`${error.code ?? error.name}: ${error.message}`);
    });
}

/** Each workflow's history (one GetWorkflowExecutionHistory each, without waiting, so it returns every event). */
export async function histories(workflowIds: string[], ms = 60_000): Promise<Record<string, any[]>> {
  const out: Record<string, any[]> = {};
  await Promise.all(workflowIds.map(async (workflowId) => {
    let page: any;
    try {
      page = await call('GetWorkflowExecutionHistory', { namespace: 'default', execution: { workflowId } }, ms);
    } catch (error) {
      // An acknowledged start whose workflow the server does not know: the harness reports it as lost.
      if ((error as Error).message.startsWith('NOT_FOUND')) { out[workflowId] = []; return; }
      throw error;
    }
    if (page.nextPageToken) throw new Error(`${workflowId}: history came in more than one page`);
    out[workflowId] = page.history?.events ?? [];
  }));
  return out;
}

/** The server's engine state (EngineModule.dumpState), for the runs' buffered signals (invariants.ts bufferedSignals). */
export async function engineDump(): Promise<unknown> {
  const client = server!.client;
  if (!client) throw new Error('the server worker is not running');
  return timeout(client.dumpState(), 60_000, 'dump');
}

export function state() {
  return {
    server: server?.state ?? null,
    serverStatus: serverStatus(),
    python: python?.state ?? null,
    pythonDetail: python?.detail ?? null,
    problems: [...problems],
    lastLines: python ? python.lines.slice(-15).map((l) => `${l.stream}: ${l.text}`) : [],
  };
}
