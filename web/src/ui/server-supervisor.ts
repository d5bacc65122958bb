// Supervises the server worker, a process the page can kill and restart: each start is
// a new module Web Worker (engine.wasm behind a ServerHost) that restores from
// IndexedDB; kill is Worker.terminate(). `service` stays valid across restarts:
// calls made while the server is loading wait for it, calls made while it is
// stopped (or that were in flight when it was killed) fail with a clear error.
import { ServerClient } from '../server/server-client.ts';
import type { ServerStatus } from '../server/server-runtime.ts';
import type { WorkflowService } from './deps.ts';
import type { ProcessState } from './process-state.ts';

export class ServerNotRunningError extends Error {
  constructor(message = 'The server worker is not running: restart it on the Processes page.') {
    super(message);
    this.name = 'ServerNotRunningError';
  }
}

interface Generation {
  client: ServerClient;
  ready: Promise<ServerClient>;
  /** Rejects when this generation is killed: calls in flight on it then fail instead of hanging. */
  killed: Promise<never>;
  kill: (error: Error) => void;
}

export class ServerSupervisor {
  state: ProcessState = 'stopped';
  detail = '';
  version: string | null = null;
  status: ServerStatus | null = null;
  #generation: Generation | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #engineUrl: string;

  constructor(engineUrl: string) {
    this.#engineUrl = engineUrl;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  #set(state: ProcessState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.#emit();
  }

  /** The current client, if the server is running. */
  get client(): ServerClient | null {
    return this.state === 'running' ? this.#generation?.client ?? null : null;
  }

  start(): Promise<ServerClient> {
    if (this.#generation) return this.#generation.ready;
    const worker = new Worker(new URL('../server/server-worker.ts', import.meta.url), { type: 'module', name: 'server' });
    const client = new ServerClient(worker);
    let kill!: (error: Error) => void;
    const killed = new Promise<never>((_, reject) => { kill = reject; });
    killed.catch(() => {});
    const generation: Generation = { client, killed, kill, ready: null! };
    this.#generation = generation;
    client.onStatus((status) => {
      if (this.#generation !== generation) return;
      this.status = status;
      this.#emit();
    });
    worker.addEventListener('error', (event) => {
      if (this.#generation !== generation) return;
      this.#crash(generation, `the server worker failed: ${event.message || 'worker error'}`);
    });
    this.#set('loading', 'loading engine.wasm and restoring from IndexedDB');
    generation.ready = Promise.race([client.hello(this.#engineUrl), killed]).then(
      ({ version, status }) => {
        if (this.#generation === generation) {
          this.version = version;
          this.status = client.status ?? status;
          this.#set('running', `engine ${version}`);
        }
        return client;
      },
      (error: Error) => {
        if (this.#generation === generation) this.#crash(generation, `the engine failed to start: ${error.message}`);
        throw error;
      },
    );
    generation.ready.catch(() => {});
    return generation.ready;
  }

  #crash(generation: Generation, detail: string): void {
    generation.client.worker.terminate();
    generation.kill(new ServerNotRunningError(`The server worker crashed: ${detail}`));
    this.#generation = null;
    this.status = null;
    this.#set('crashed', detail);
  }

  /** Terminates the Web Worker at once; committed state is in IndexedDB and comes back on start(). */
  kill(): void {
    const generation = this.#generation;
    if (!generation) return;
    generation.client.worker.terminate();
    generation.kill(new ServerNotRunningError('The server worker was killed while this call was in flight.'));
    this.#generation = null;
    this.status = null;
    this.#set('stopped', 'killed');
  }

  restart(): Promise<ServerClient> {
    this.kill();
    return this.start();
  }

  /** A WorkflowService that follows the server across restarts. */
  readonly service: WorkflowService = {
    call: async <T = any>(method: string, request: unknown = {}, options: { signal?: AbortSignal } = {}): Promise<T> => {
      const generation = this.#generation;
      if (!generation) throw new ServerNotRunningError();
      const client = await generation.ready;
      return Promise.race([client.call<T>(method, request, options), generation.killed]);
    },
  };
}
