// The server worker: a module Web Worker that runs the engine behind a
// ServerHost. For now it keeps state in memory (the IndexedDB store comes
// with the app) and answers {type:"hello", engineUrl} with the engine's version; the
// page talks to it over postMessage with structured-clone JSON.
import { loadEngineModule } from './engine-module.ts';
import { ServerHost } from './host.ts';
import { MemoryBatchStore } from './store/memory-store.ts';

interface Request {
  id: number;
  type: 'hello' | 'call';
  engineUrl?: string;
  method?: string;
  request?: unknown;
}

// The page tells the worker where engine.mjs is (it knows the site's base URL);
// the first message is {type:"hello", engineUrl}.
let ready: Promise<ServerHost> | null = null;

function start(engineUrl: string): Promise<ServerHost> {
  return (async () => {
    const engine = await loadEngineModule(engineUrl);
    const host = new ServerHost({ engine, store: new MemoryBatchStore() });
    await host.open();
    return host;
  })();
}

self.addEventListener('message', async (event: MessageEvent<Request>) => {
  const { id, type } = event.data;
  try {
    if (!ready) {
      if (type !== 'hello' || !event.data.engineUrl) throw new Error('the first message must be hello with engineUrl');
      ready = start(event.data.engineUrl);
    }
    const host = await ready;
    if (type === 'hello') {
      self.postMessage({ id, result: { version: host.version } });
    } else {
      self.postMessage({ id, result: await host.call(event.data.method ?? '', event.data.request) });
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    self.postMessage({ id, error: { code: e.code ?? 'INTERNAL', message: e.message ?? String(error) } });
  }
});
