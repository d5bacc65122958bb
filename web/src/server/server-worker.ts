// The server worker: a module Web Worker that runs the engine behind a
// ServerHost on a durable store (server-runtime.ts has the rules; this file
// is the message protocol). The page talks to it with postMessage and
// structured-clone JSON.
//
// Page -> worker (each with a numeric id; the reply carries the same id):
//   {id, type:"hello", engineUrl, database?, durability?: "indexeddb"|"memory"}
//       first message; starts the server -> {id, result:{version, status}}
//   {id, type:"call", method, request}  -> {id, result, durability} | {id, error:{code, message}}
//   {id, type:"cancel", callId}         aborts a pending call (a long poll) -> {id, result:{cancelled}}
//   {id, type:"status"}                 -> {id, result: status}
//   {id, type:"takeover"}               asks the owning tab to let go, then owns the database -> {id, result: status}
//   {id, type:"reset", confirm:true}    deletes all lab data, restarts the engine empty -> {id, result: status}
//   {id, type:"dump"}                   the engine's durable state (tests, debugging) -> {id, result}
// Worker -> page, unsolicited (no id):
//   {type:"status", state, owner, durability, reason, database, schemaVersion, version}
//     state: "starting" | "ready" | "not-owner" | "failed"; durability: "indexeddb" | "memory" | null.
//     durability "memory" with a reason is the page's cue for the memory-only banner.
import { loadEngineModule } from './engine-module.ts';
import { ServerRuntime, type Durability, type ServerStatus } from './server-runtime.ts';

interface Request {
  id: number;
  type: 'hello' | 'call' | 'cancel' | 'status' | 'takeover' | 'reset' | 'dump';
  engineUrl?: string;
  database?: string;
  durability?: Durability;
  method?: string;
  request?: unknown;
  callId?: number;
  confirm?: boolean;
}

const scope = self as unknown as { postMessage(message: unknown): void; addEventListener(type: 'message', listener: (event: MessageEvent<Request>) => void): void };

// The page tells the worker where engine.mjs is (it knows the site's base URL);
// the first message is {type:"hello", engineUrl}.
let ready: Promise<ServerRuntime> | null = null;
const calls = new Map<number, AbortController>();

function postStatus(status: ServerStatus): void {
  scope.postMessage({ type: 'status', ...status });
}

function start(message: Request): Promise<ServerRuntime> {
  return (async () => {
    const engine = await loadEngineModule(message.engineUrl!);
    if (message.durability !== undefined && message.durability !== 'indexeddb' && message.durability !== 'memory') {
      throw Object.assign(new Error(`durability must be "indexeddb" or "memory", not ${JSON.stringify(message.durability)}`), { code: 'INVALID_ARGUMENT' });
    }
    const runtime = new ServerRuntime({
      engine,
      database: typeof message.database === 'string' && message.database ? message.database : undefined,
      durability: message.durability,
      onStatus: postStatus,
    });
    await runtime.start();
    return runtime;
  })();
}

async function handle(message: Request, runtime: ServerRuntime): Promise<unknown> {
  switch (message.type) {
    case 'hello':
      return { version: runtime.version, status: runtime.status };
    case 'call': {
      if (typeof message.method !== 'string' || !message.method) {
        throw Object.assign(new Error('call needs a method name'), { code: 'INVALID_ARGUMENT' });
      }
      const controller = new AbortController();
      calls.set(message.id, controller);
      try {
        const { response, durability } = await runtime.call(message.method, message.request, controller.signal);
        return { result: response, durability };
      } finally {
        calls.delete(message.id);
      }
    }
    case 'cancel': {
      const controller = typeof message.callId === 'number' ? calls.get(message.callId) : undefined;
      controller?.abort();
      return { cancelled: controller !== undefined };
    }
    case 'status':
      return runtime.status;
    case 'takeover':
      return runtime.takeOver();
    case 'reset':
      if (message.confirm !== true) {
        throw Object.assign(new Error('reset deletes all lab data: send {type:"reset", confirm:true} once the user confirmed'), { code: 'INVALID_ARGUMENT' });
      }
      return runtime.reset();
    case 'dump':
      return runtime.dumpState();
    default:
      throw Object.assign(new Error(`unknown message type ${JSON.stringify((message as { type?: unknown }).type)}`), { code: 'INVALID_ARGUMENT' });
  }
}

scope.addEventListener('message', async (event: MessageEvent<Request>) => {
  const message = event.data;
  const id = message?.id;
  try {
    if (!ready) {
      if (message?.type !== 'hello' || !message.engineUrl) throw new Error('the first message must be hello with engineUrl');
      ready = start(message);
      ready.catch(() => { ready = null; }); // a failed start may be retried with another hello
    }
    const runtime = await ready;
    const result = await handle(message, runtime);
    if (message.type === 'call') scope.postMessage({ id, ...(result as { result: unknown; durability: Durability }) });
    else scope.postMessage({ id, result });
  } catch (error) {
    const e = error as { code?: string; message?: string };
    scope.postMessage({ id, error: { code: e?.code ?? 'INTERNAL', message: e?.message ?? String(error) } });
  }
});
