// The server worker's life: ownership of the database, the durable store, the
// engine behind a ServerHost, and the fallback to memory. server-worker.ts
// wires it to postMessage; this module holds the rules.
//
// Start: wait for the database's Web Lock (ownership.ts). As the owner, open
// the IndexedDB store, restore the engine from it (ServerHost.open runs
// Engine.open on the snapshot; its first tick fires timers and times out tasks
// whose deadlines passed while no server ran). If IndexedDB cannot be used
// (missing, blocked, full, newer schema, a corrupted record) the server runs
// in memory and says why; IndexedDB's data is left untouched.
//
// A commit that fails while running (quota, the database closed under us):
// the ServerHost stops and acknowledges nothing more, so no caller was told
// that a change was stored when it was not. The runtime then starts a new
// engine in memory from exactly the committed state (the store's mirror of
// its committed batches) and re-issues every call that had not been answered.
// None of those calls had any effect in the committed state, so each takes
// effect exactly once, now in memory; their replies say durability "memory",
// and a status message tells the page first.
import { EngineError } from './errors.ts';
import type { EngineModule, EngineOptions } from './engine-module.ts';
import { ServerHost } from './host.ts';
import { locateBadRecord } from './restore-diagnosis.ts';
import { DatabaseOwnership, OwnershipUnavailableError } from './ownership.ts';
import type { StoreSnapshot } from './store/batch-store.ts';
import { IndexedDbStore, SCHEMA_VERSION, deleteIndexedDbStore, type IndexedDbStoreOptions } from './store/indexeddb-store.ts';
import { MemoryBatchStore } from './store/memory-store.ts';

export type Durability = 'indexeddb' | 'memory';

export interface ServerStatus {
  /** starting; ready (serving calls); not-owner (another tab owns the database); failed. */
  state: 'starting' | 'ready' | 'not-owner' | 'failed';
  owner: boolean;
  /** Where committed changes go while ready; null when not serving. */
  durability: Durability | null;
  /** Why the server is in memory only, not the owner, or failed; null otherwise. */
  reason: string | null;
  database: string;
  schemaVersion: number;
  /** The engine's version once loaded. */
  version: string | null;
}

export interface ServerRuntimeOptions {
  engine: EngineModule;
  database?: string;
  /** "memory" skips IndexedDB and ownership (each tab on its own). Default "indexeddb". */
  durability?: Durability;
  engineOptions?: EngineOptions;
  storeOptions?: IndexedDbStoreOptions;
  /** How long to wait for the lock before saying another tab owns the database. Default 1500 ms. */
  ownerGraceMs?: number;
  onStatus?: (status: ServerStatus) => void;
  onError?: (error: Error) => void;
}

interface Generation {
  host: ServerHost;
  store: IndexedDbStore | null;
  durability: Durability;
  /** Set (before any call is rejected) when the store's failure stopped this host. */
  storeFailure: Error | null;
  /** The in-memory successor, once a store failure has been handled. */
  successor: Promise<Generation | null> | null;
}

export const DEFAULT_DATABASE = 'durable-lab';

export class ServerRuntime {
  readonly database: string;
  readonly #engine: EngineModule;
  readonly #durability: Durability;
  readonly #engineOptions: EngineOptions;
  readonly #storeOptions: IndexedDbStoreOptions;
  readonly #graceMs: number;
  readonly #onStatus: (status: ServerStatus) => void;
  readonly #onError: (error: Error) => void;
  readonly #ownership: DatabaseOwnership | null;
  #generation: Generation | null = null;
  #status: ServerStatus;
  /** Lifecycle steps (open, release, reset, switch to memory) run one at a time. */
  #lifecycle: Promise<unknown> = Promise.resolve();
  /** False while the host is being closed or replaced: new calls wait or are refused. */
  #accepting = false;
  #readyWaiters: Array<() => void> = [];

  constructor(options: ServerRuntimeOptions) {
    this.#engine = options.engine;
    this.database = options.database ?? DEFAULT_DATABASE;
    this.#durability = options.durability ?? 'indexeddb';
    this.#engineOptions = options.engineOptions ?? {};
    this.#storeOptions = options.storeOptions ?? {};
    this.#graceMs = options.ownerGraceMs ?? 1500;
    this.#onStatus = options.onStatus ?? (() => {});
    this.#onError = options.onError ?? ((error) => console.error('[server]', error));
    this.#status = {
      state: 'starting', owner: false, durability: null, reason: null,
      database: this.database, schemaVersion: SCHEMA_VERSION, version: this.#engine.version(),
    };
    this.#ownership = this.#durability === 'indexeddb'
      ? new DatabaseOwnership(this.database, {
        onAcquired: () => { this.#step(() => this.#openOwned()).catch((error: Error) => this.#onError(error)); },
        onReleaseRequested: () => this.#step(() => this.#releaseForTakeover()),
      })
      : null;
  }

  get status(): ServerStatus {
    return { ...this.#status };
  }

  get version(): string {
    return this.#engine.version();
  }

  /** Starts; resolves with the first settled status (ready, not-owner or failed). */
  async start(): Promise<ServerStatus> {
    if (!this.#ownership) {
      await this.#step(() => this.#openMemory(null, 'the page asked for memory-only durability'));
      return this.status;
    }
    if (!this.#ownership.supported) {
      await this.#step(() => this.#openMemory(null, new OwnershipUnavailableError(
        'Web Locks are not available (the page is not in a secure context, e.g. http:// on a network address), ' +
        'so this tab cannot be made the only writer of IndexedDB').message));
      return this.status;
    }
    const owned = await this.#ownership.acquire(this.#graceMs);
    if (owned) {
      await this.#lifecycle; // the open queued by onAcquired
      await this.#step(async () => {}); // and anything it queued
    } else if (this.#status.state === 'starting') {
      this.#setStatus({ state: 'not-owner', owner: false, durability: null, reason: `the database "${this.database}" is owned by another tab` });
    }
    return this.status;
  }

  /** Calls one RPC; resolves with the response and the durability it was committed with. */
  async call(method: string, request: unknown, signal?: AbortSignal): Promise<{ response: unknown; durability: Durability }> {
    for (;;) {
      const generation = await this.#serving();
      try {
        const response = await generation.host.call(method, request, { signal });
        return { response, durability: generation.durability };
      } catch (error) {
        if (!generation.storeFailure) throw error;
        // The store failed before this call was answered: it had no effect in
        // the committed state. Run it again on the in-memory successor.
        const next = await generation.successor;
        if (!next) throw error;
        if (signal?.aborted) throw new EngineError('CANCELLED', `${method} was aborted`);
      }
    }
  }

  /** The engine's durable state (canonical JSON), for tests and debugging. */
  async dumpState(): Promise<unknown> {
    return (await this.#serving()).host.dumpState();
  }

  /** Asks the owning tab to release the database and takes it over. */
  async takeOver(timeoutMs = 15_000): Promise<ServerStatus> {
    if (!this.#ownership) throw new EngineError('FAILED_PRECONDITION', 'this server runs in memory only; there is nothing to take over');
    if (!this.#ownership.supported) throw new EngineError('FAILED_PRECONDITION', 'Web Locks are not available here; take-over needs them');
    if (!this.#ownership.owned) {
      try {
        await this.#ownership.takeOver(timeoutMs);
      } catch (error) {
        throw new EngineError('UNAVAILABLE', (error as Error).message);
      }
    }
    await this.#lifecycle;
    await this.#step(async () => {});
    return this.status;
  }

  /** Deletes all lab data (the caller confirmed) and restarts the engine empty. */
  async reset(): Promise<ServerStatus> {
    if (this.#ownership && !this.#ownership.owned) {
      throw new EngineError('FAILED_PRECONDITION', `the database "${this.database}" is owned by another tab: take over before resetting`);
    }
    await this.#step(async () => {
      await this.#closeGeneration('the lab data was reset');
      if (this.#ownership) {
        try {
          await deleteIndexedDbStore(this.database, this.#storeOptions);
        } catch (error) {
          this.#onError(error as Error);
        }
        await this.#openOwned();
      } else {
        await this.#openMemory(null, 'the page asked for memory-only durability');
      }
    });
    return this.status;
  }

  async close(): Promise<void> {
    await this.#step(() => this.#closeGeneration('the server was stopped'));
    this.#ownership?.stop();
  }

  #step<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#lifecycle.then(run);
    this.#lifecycle = result.catch(() => {});
    return result;
  }

  #setStatus(change: Partial<ServerStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#onStatus(this.status);
  }

  /** The generation serving calls, waiting while one is being opened or replaced. */
  async #serving(): Promise<Generation> {
    for (;;) {
      const generation = this.#generation;
      if (generation && this.#accepting) return generation;
      if (this.#status.state === 'not-owner') {
        throw new EngineError('FAILED_PRECONDITION', `the database "${this.database}" is owned by another tab; take over to use it here`);
      }
      if (this.#status.state === 'failed') {
        throw new EngineError('UNAVAILABLE', `the server failed: ${this.#status.reason}`);
      }
      await new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    }
  }

  #wakeWaiters(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const wake of waiters) wake();
  }

  #newGeneration(store: IndexedDbStore | MemoryBatchStore, durability: Durability): Generation {
    const generation: Generation = { host: null as unknown as ServerHost, store: store instanceof IndexedDbStore ? store : null, durability, storeFailure: null, successor: null };
    generation.host = new ServerHost({
      engine: this.#engine,
      store,
      engineOptions: this.#engineOptions,
      onError: (error) => {
        const failure = generation.store?.failure;
        if (failure && !generation.storeFailure && this.#generation === generation) {
          // Runs before the host rejects its waiting calls (see ServerHost.#fail).
          generation.storeFailure = failure;
          this.#accepting = false;
          generation.successor = this.#step(() => this.#switchToMemory(generation, failure));
          generation.successor.catch((switchError: Error) => this.#onError(switchError)); // callers see it too
          return;
        }
        this.#onError(error);
      },
    });
    return generation;
  }

  /** As the owner: IndexedDB if it works, memory (with the reason) if it does not. */
  async #openOwned(): Promise<void> {
    if (this.#generation) return; // already serving (e.g. a reset reopened it)
    this.#setStatus({ state: 'starting', owner: true, durability: null, reason: null });
    const store = new IndexedDbStore(this.database, this.#storeOptions);
    const generation = this.#newGeneration(store, 'indexeddb');
    try {
      await generation.host.open();
    } catch (error) {
      await generation.host.close().catch(() => {});
      const e = error as Error & { code?: string };
      let reason = e.message;
      if (e instanceof EngineError) {
        // The records are what the store wrote, but the engine refuses them: name the record.
        const where = await this.#locate();
        reason = `the stored state in IndexedDB "${this.database}" does not restore` +
          `${where ? ` (record ${where})` : ''}: ${e.code}: ${e.message}. It was left untouched; reset the lab data to start over.`;
      }
      this.#onError(e);
      await this.#openMemory(null, reason);
      return;
    }
    this.#generation = generation;
    this.#accepting = true;
    this.#setStatus({ state: 'ready', owner: true, durability: 'indexeddb', reason: null });
    this.#wakeWaiters();
  }

  async #locate(): Promise<string | null> {
    const reader = new IndexedDbStore(this.database, this.#storeOptions);
    try {
      return locateBadRecord(this.#engine, this.#engineOptions, await reader.load());
    } catch {
      return null;
    } finally {
      await reader.close();
    }
  }

  async #openMemory(snapshot: StoreSnapshot | null, reason: string): Promise<Generation | null> {
    const generation = this.#newGeneration(new MemoryBatchStore(snapshot ?? undefined), 'memory');
    try {
      await generation.host.open();
    } catch (error) {
      this.#generation = null;
      this.#accepting = false;
      this.#setStatus({ state: 'failed', durability: null, reason: `the engine could not start: ${(error as Error).message}` });
      this.#wakeWaiters();
      return null;
    }
    this.#generation = generation;
    this.#accepting = true;
    this.#setStatus({ state: 'ready', owner: this.#ownership?.owned ?? false, durability: 'memory', reason });
    this.#wakeWaiters();
    return generation;
  }

  async #switchToMemory(failed: Generation, failure: Error): Promise<Generation | null> {
    const committed = failed.store!.committedSnapshot();
    await failed.host.close().catch(() => {});
    this.#generation = null;
    return this.#openMemory(committed, `${failure.message} The lab goes on in memory only: changes from now on are lost when the server stops.`);
  }

  async #closeGeneration(reason: string): Promise<void> {
    const generation = this.#generation;
    this.#accepting = false;
    if (!generation) return;
    // Every call accepted so far is answered (or, for a long poll, still waiting)
    // once a barrier call returns: the host delivers replies in commit order.
    await generation.host.call('GetCurrentTime', {}).catch(() => {});
    this.#generation = null;
    await generation.host.close();
    void reason;
  }

  /** Another tab takes over: stop taking calls, finish commits, close the database. */
  async #releaseForTakeover(): Promise<void> {
    await this.#closeGeneration('another tab took the database over');
    this.#setStatus({ state: 'not-owner', owner: false, durability: null, reason: 'another tab took the database over' });
    this.#wakeWaiters();
  }
}
