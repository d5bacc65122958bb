// Which tab's server worker owns the IndexedDB database: the one holding the
// Web Lock named after it. Two writers never share the database: a server
// worker opens it only while it holds the lock, and gives the lock up only
// after it has stopped taking calls, finished its commits and closed the
// database.
//
// A worker that does not own the database waits for the lock in the
// background, so when the owner's tab closes (or its worker is terminated,
// which releases its locks) the next one becomes the owner by itself.
// Taking over from a live owner is cooperative: the newcomer asks over a
// BroadcastChannel, the owner releases after shutting down cleanly, and the
// newcomer's queued lock request is granted. (`steal` is never used: it would
// take the lock from an owner that may still be committing.)

export interface LockManagerLike {
  request(name: string, options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface OwnershipOptions {
  /** Defaults to navigator.locks; null means Web Locks are not available. */
  locks?: LockManagerLike | null;
  /** Defaults to a BroadcastChannel named after the lock. */
  channel?: ChannelLike | null;
  /** Called each time this context becomes the owner. */
  onAcquired?: () => void;
  /**
   * The owner is asked to give the database up (another tab takes over).
   * Resolve once nothing will write any more; the lock is released then.
   */
  onReleaseRequested?: () => Promise<void>;
}

type Message = { type: 'release-request'; database: string; from: string } | { type: 'released'; database: string; from: string };

export class OwnershipUnavailableError extends Error {
  readonly code = 'FAILED_PRECONDITION';
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipUnavailableError';
  }
}

function defaultLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

export function lockName(database: string): string {
  return `durable-lab:indexeddb:${database}`;
}

export class DatabaseOwnership {
  readonly database: string;
  readonly id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  readonly #locks: LockManagerLike | null;
  readonly #channel: ChannelLike | null;
  readonly #onAcquired: () => void;
  readonly #onReleaseRequested: () => Promise<void>;
  #owned = false;
  #waiting = false;
  #stopped = false;
  #releaseHold: (() => void) | null = null;
  #releasing: Promise<void> | null = null;
  readonly #ownedWaiters = new Set<() => void>();
  #abort: AbortController | null = null;
  #generation = 0;

  constructor(database: string, options: OwnershipOptions = {}) {
    this.database = database;
    this.#locks = options.locks === undefined ? defaultLocks() : options.locks;
    let channel: ChannelLike | null = null;
    if (options.channel !== undefined) channel = options.channel;
    else if (typeof BroadcastChannel === 'function') channel = new BroadcastChannel(lockName(database));
    this.#channel = channel;
    this.#onAcquired = options.onAcquired ?? (() => {});
    this.#onReleaseRequested = options.onReleaseRequested ?? (async () => {});
    this.#channel?.addEventListener('message', (event: MessageEvent<Message>) => this.#onMessage(event.data));
  }

  /** Web Locks exist here (they need a secure context: https or localhost). */
  get supported(): boolean {
    return this.#locks !== null;
  }

  get owned(): boolean {
    return this.#owned;
  }

  /**
   * Starts waiting for the lock (if not already). Resolves true as soon as it
   * is held, or false if it is not held within `graceMs` (someone else owns
   * the database; the request stays queued and onAcquired fires later).
   */
  async acquire(graceMs: number): Promise<boolean> {
    if (!this.#locks) throw new OwnershipUnavailableError('Web Locks are not available (the page is not in a secure context), so one tab cannot be made the only writer');
    if (this.#owned) return true;
    this.#queue();
    if (this.#owned) return true;
    return this.#waitOwned(graceMs);
  }

  /**
   * Asks the current owner to release, and resolves once this context owns
   * the database. Rejects after `timeoutMs` if the lock did not come here
   * (the owner did not answer, or a third tab was queued first).
   */
  async takeOver(timeoutMs: number): Promise<void> {
    if (this.#owned) return;
    if (!this.#locks) throw new OwnershipUnavailableError('Web Locks are not available here; take-over needs them');
    this.#queue();
    this.#channel?.postMessage({ type: 'release-request', database: this.database, from: this.id } satisfies Message);
    if (!(await this.#waitOwned(timeoutMs))) {
      throw new OwnershipUnavailableError(`the database "${this.database}" was not released within ${timeoutMs} ms (another tab still owns it)`);
    }
  }

  /** Gives the lock up for good (the worker is shutting down). */
  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
    this.#releaseHold?.();
    this.#channel?.close();
  }

  #queue(): void {
    if (this.#waiting || this.#owned || this.#stopped || !this.#locks) return;
    this.#waiting = true;
    this.#abort = new AbortController();
    const generation = ++this.#generation;
    this.#locks.request(lockName(this.database), { mode: 'exclusive', signal: this.#abort.signal }, () => {
      this.#waiting = false;
      this.#owned = true;
      const hold = new Promise<void>((resolve) => { this.#releaseHold = resolve; });
      for (const wake of this.#ownedWaiters) wake();
      this.#ownedWaiters.clear();
      try {
        this.#onAcquired();
      } catch (error) {
        console.error('[ownership] onAcquired failed', error);
      }
      return hold;
    }).catch((error: unknown) => {
      if ((error as { name?: string })?.name !== 'AbortError') console.error('[ownership] lock request failed', error);
    }).finally(() => {
      if (generation !== this.#generation) return; // a newer request is in line
      this.#waiting = false;
      this.#owned = false;
      this.#releaseHold = null;
    });
  }

  #waitOwned(timeoutMs: number): Promise<boolean> {
    if (this.#owned) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const wake = () => { clearTimeout(timer); resolve(true); };
      const timer = setTimeout(() => { this.#ownedWaiters.delete(wake); resolve(this.#owned); }, timeoutMs);
      this.#ownedWaiters.add(wake);
    });
  }

  #onMessage(message: Message): void {
    if (!message || message.database !== this.database || message.from === this.id) return;
    if (message.type === 'release-request' && this.#owned && !this.#releasing) {
      this.#releasing = (async () => {
        try {
          await this.#onReleaseRequested();
        } catch (error) {
          console.error('[ownership] shutting down for a take-over failed; releasing anyway', error);
        }
        const release = this.#releaseHold;
        this.#releaseHold = null;
        this.#owned = false;
        this.#waiting = false;
        release?.();
        this.#channel?.postMessage({ type: 'released', database: this.database, from: this.id } satisfies Message);
        // Wait in line again, behind the tab that asked: if it goes away, this one comes back.
        this.#queue();
      })().finally(() => { this.#releasing = null; });
    }
  }
}
