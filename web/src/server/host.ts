// ServerHost: runs the engine (the "Temporal server") on a BatchStore.
//
// It is the only thing that talks to the raw engine, and it keeps the
// persistence contract: every Outcome's batch is committed, strictly in order
// and one commit per batch, before any reply of that Outcome (or of a later
// one) is delivered. Nothing is acknowledged that a crash could take back.
//
// After every input (call, cancel, tick) it asks the engine for its next
// wakeup and keeps exactly one timer armed for it, so timers, timeouts and
// poll deadlines fire without polling. The same code runs in Node and in a
// browser Web Worker: it needs only setTimeout, AbortSignal and Promises.
import { EngineError, type ErrorBody } from './errors.ts';
import { openRawEngine, type EngineModule, type EngineOptions, type RawEngine } from './engine-module.ts';
import { validateBatch, type BatchStore, type WriteBatch } from './store/batch-store.ts';

interface Reply {
  callId: number;
  response?: unknown;
  error?: ErrorBody;
}

interface Outcome {
  batch: WriteBatch;
  replies: Reply[];
  /** Set by the binding when the engine threw inside cancel() or tick(). */
  error?: ErrorBody;
}

interface PendingCall {
  method: string;
  resolve: (response: unknown) => void;
  reject: (error: Error) => void;
  /** The engine has produced its reply; it is waiting for a commit. */
  answered: boolean;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface ServerHostOptions {
  engine: EngineModule;
  store: BatchStore;
  engineOptions?: EngineOptions;
  /** Told about failures no caller can be told about (a failed tick, a failed commit). */
  onError?: (error: Error) => void;
}

export interface CallOptions {
  /** Aborting cancels the call in the engine (a long poll stops waiting) and rejects with CANCELLED. */
  signal?: AbortSignal;
}

// setTimeout takes at most 2^31-1 ms; a later wakeup just re-arms on the way.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ServerHost {
  readonly #module: EngineModule;
  readonly #store: BatchStore;
  readonly #engineOptions: EngineOptions;
  readonly #onError: (error: Error) => void;
  #engine: RawEngine | null = null;
  #state: 'new' | 'opening' | 'open' | 'failed' | 'closed' = 'new';
  #failure: Error | null = null;
  #nextCallId = 1;
  readonly #pending = new Map<number, PendingCall>();
  #commits: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = -1;

  constructor(options: ServerHostOptions) {
    this.#module = options.engine;
    this.#store = options.store;
    this.#engineOptions = options.engineOptions ?? {};
    this.#onError = options.onError ?? ((error) => console.error('[server host]', error));
  }

  get version(): string {
    return this.#module.version();
  }

  /** Virtual now of the engine, ms since the epoch. */
  nowMs(): number {
    return this.#requireEngine().nowMs();
  }

  /** The engine's durable state (canonical JSON), for tests and debugging views. */
  dumpState(): unknown {
    return JSON.parse(this.#requireEngine().dumpState());
  }

  /** Virtual time the armed timer is for, or -1 (for tests and the UI). */
  get nextWakeupMs(): number {
    return this.#timerAt;
  }

  /** Loads the store's snapshot and opens the engine on it. */
  async open(): Promise<void> {
    if (this.#state !== 'new') throw new EngineError('FAILED_PRECONDITION', `server host is ${this.#state}`);
    this.#state = 'opening';
    try {
      const snapshot = await this.#store.load();
      this.#engine = openRawEngine(this.#module, this.#engineOptions, snapshot);
    } catch (error) {
      this.#state = 'failed';
      this.#failure = error as Error;
      throw error;
    }
    this.#state = 'open';
    // Overdue timers from before a restart fire on the first tick.
    this.#arm();
  }

  /**
   * Calls one RPC, e.g. call('StartWorkflowExecution', {...}). Resolves with the
   * response once everything the call changed is committed; rejects with an
   * EngineError {code, message}.
   */
  call<T = any>(method: string, request: unknown = {}, options: CallOptions = {}): Promise<T> {
    if (this.#state !== 'open') {
      return Promise.reject(this.#failure ?? new EngineError('FAILED_PRECONDITION', `server host is ${this.#state}`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new EngineError('CANCELLED', `${method} was aborted`));
    let requestJson: string;
    try {
      requestJson = JSON.stringify(request ?? {});
    } catch (error) {
      return Promise.reject(new EngineError('INVALID_ARGUMENT', `${method}: request is not JSON: ${(error as Error).message}`));
    }
    const callId = this.#nextCallId++;
    const promise = new Promise<T>((resolve, reject) => {
      const pending: PendingCall = { method, resolve: resolve as (r: unknown) => void, reject, answered: false, signal };
      if (signal) {
        pending.onAbort = () => this.#abort(callId);
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#pending.set(callId, pending);
    });
    this.#input(() => this.#requireEngine().call(callId, method, requestJson));
    return promise;
  }

  /** Stops the timer, rejects calls still waiting, waits for commits in flight, and frees the engine. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#disarm();
    this.#rejectAll(new EngineError('UNAVAILABLE', 'server host closed'));
    await this.#commits.catch(() => {});
    this.#engine?.delete();
    this.#engine = null;
    await this.#store.close?.();
  }

  #requireEngine(): RawEngine {
    if (!this.#engine) throw new EngineError('FAILED_PRECONDITION', `server host is ${this.#state}`);
    return this.#engine;
  }

  /** Feeds one input to the engine, queues its outcome, re-arms the timer. */
  #input(run: () => string): void {
    let outcome: Outcome;
    try {
      outcome = JSON.parse(run()) as Outcome;
    } catch (error) {
      this.#fail(new EngineError('INTERNAL', `engine input failed: ${(error as Error).message}`));
      return;
    }
    if (outcome.error) this.#onError(new EngineError(outcome.error.code, outcome.error.message));
    this.#enqueue(outcome);
    this.#arm();
  }

  #enqueue(outcome: Outcome): void {
    for (const reply of outcome.replies) {
      const pending = this.#pending.get(reply.callId);
      if (pending) pending.answered = true;
    }
    const batch = outcome.batch;
    this.#commits = this.#commits.then(async () => {
      if (this.#failure) throw this.#failure;
      if (batch.length > 0) {
        validateBatch(batch);
        await this.#store.commit(batch);
      }
      for (const reply of outcome.replies) this.#deliver(reply);
    }).catch((error: Error) => {
      // A batch that did not commit leaves the engine ahead of the store:
      // nothing more may be acknowledged, and every waiting caller is told.
      this.#fail(new EngineError('UNAVAILABLE', `store commit failed: ${error.message}`));
    });
  }

  #deliver(reply: Reply): void {
    const pending = this.#pending.get(reply.callId);
    if (!pending) return; // aborted or closed meanwhile
    this.#pending.delete(reply.callId);
    if (pending.signal && pending.onAbort) pending.signal.removeEventListener('abort', pending.onAbort);
    if (reply.error) pending.reject(new EngineError(reply.error.code, reply.error.message));
    else pending.resolve(reply.response);
  }

  #abort(callId: number): void {
    const pending = this.#pending.get(callId);
    if (!pending) return;
    this.#pending.delete(callId);
    pending.reject(new EngineError('CANCELLED', `${pending.method} was aborted`));
    // Already answered (its reply waits for a commit): nothing to take back.
    if (!pending.answered && this.#state === 'open') this.#input(() => this.#requireEngine().cancel(callId));
  }

  #arm(): void {
    if (this.#state !== 'open' || !this.#engine) return;
    const wake = this.#engine.nextWakeupMs();
    if (wake === this.#timerAt && this.#timer !== undefined) return;
    this.#disarm();
    if (wake < 0) return;
    const delay = Math.min(Math.max(0, wake - this.#engine.nowMs()), MAX_TIMER_MS);
    this.#timerAt = wake;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = -1;
      if (this.#state === 'open') this.#input(() => this.#requireEngine().tick());
    }, delay);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = -1;
  }

  #rejectAll(error: Error): void {
    for (const [callId, pending] of this.#pending) {
      this.#pending.delete(callId);
      if (pending.signal && pending.onAbort) pending.signal.removeEventListener('abort', pending.onAbort);
      pending.reject(error);
    }
  }

  #fail(error: EngineError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#state = 'failed';
    this.#disarm();
    this.#onError(error);
    this.#rejectAll(error);
  }
}
