// A server of the process's own: a ServerHost on a MemoryBatchStore, opened
// on the first call, from the engine module the process loads anyway for its
// replay core. A lab check runs on one (web/src/labs/): it starts from an
// empty engine, never touches the attendee's workflows, may skip time as it
// likes, and is gone when the process ends.
import type { EngineModule, EngineOptions } from '../server/engine-module.ts';
import { ServerHost } from '../server/host.ts';
import { MemoryBatchStore } from '../server/store/memory-store.ts';
import type { RpcTarget } from './host-interfaces.ts';

export interface PrivateServer extends RpcTarget {
  /** Closes the server if it was opened; later calls fail. */
  close(): Promise<void>;
}

export function createPrivateServer(loadEngine: () => Promise<EngineModule>, engineOptions?: EngineOptions): PrivateServer {
  let opening: Promise<ServerHost> | null = null;
  const open = async () => {
    const host = new ServerHost({ engine: await loadEngine(), store: new MemoryBatchStore(), engineOptions });
    await host.open();
    return host;
  };
  return {
    async call(method, request, options) {
      opening ??= open();
      return (await opening).call(method, request, options);
    },
    async close() {
      if (opening) await (await opening).close();
    },
  };
}
