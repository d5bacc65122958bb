// The page's end of the server worker's message protocol (see server-worker.ts).
import type { Durability, ServerStatus } from './server-runtime.ts';

export class ServerCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ServerCallError';
  }
}

interface Reply {
  id?: number;
  type?: string;
  result?: unknown;
  durability?: Durability;
  error?: { code: string; message: string };
}

export interface CallResult<T> {
  response: T;
  durability: Durability;
}

export class ServerClient {
  readonly worker: Worker;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  readonly #statusListeners = new Set<(status: ServerStatus) => void>();
  /** The last status the worker sent. */
  status: ServerStatus | null = null;

  constructor(worker: Worker) {
    this.worker = worker;
    worker.addEventListener('message', (event: MessageEvent<Reply>) => {
      const data = event.data;
      if (data?.type === 'status' && data.id === undefined) {
        const { type: _type, ...status } = data as Reply & ServerStatus;
        this.status = status as ServerStatus;
        for (const listener of this.#statusListeners) listener(this.status);
        return;
      }
      if (typeof data?.id !== 'number') return;
      const pending = this.#pending.get(data.id);
      if (!pending) return;
      this.#pending.delete(data.id);
      if (data.error) pending.reject(new ServerCallError(data.error.code, data.error.message));
      else pending.resolve(data);
    });
  }

  onStatus(listener: (status: ServerStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Resolves with the first status for which `predicate` holds (the current one included). */
  waitForStatus(predicate: (status: ServerStatus) => boolean): Promise<ServerStatus> {
    if (this.status && predicate(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve) => {
      const off = this.onStatus((status) => {
        if (predicate(status)) { off(); resolve(status); }
      });
    });
  }

  #send(message: Record<string, unknown>, id = this.#nextId++): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  async hello(engineUrl: string, options: { database?: string; durability?: Durability } = {}): Promise<{ version: string; status: ServerStatus }> {
    return (await this.#send({ type: 'hello', engineUrl, ...options })).result as { version: string; status: ServerStatus };
  }

  async callWithDurability<T = any>(method: string, request: unknown = {}, signal?: AbortSignal): Promise<CallResult<T>> {
    const id = this.#nextId++;
    const onAbort = () => { void this.#send({ type: 'cancel', callId: id }); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.#send({ type: 'call', method, request }, id);
      return { response: reply.result as T, durability: reply.durability! };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async call<T = any>(method: string, request: unknown = {}, options: { signal?: AbortSignal } = {}): Promise<T> {
    return (await this.callWithDurability<T>(method, request, options.signal)).response;
  }

  async getStatus(): Promise<ServerStatus> {
    return (await this.#send({ type: 'status' })).result as ServerStatus;
  }

  async takeOver(): Promise<ServerStatus> {
    return (await this.#send({ type: 'takeover' })).result as ServerStatus;
  }

  /** Deletes all lab data: only after the user confirmed. */
  async reset(): Promise<ServerStatus> {
    return (await this.#send({ type: 'reset', confirm: true })).result as ServerStatus;
  }

  async dumpState(): Promise<unknown> {
    return (await this.#send({ type: 'dump' })).result;
  }
}
