import { applyBatch, cloneSnapshot, emptySnapshot, validateBatch, type BatchStore, type StoreSnapshot, type WriteBatch } from './batch-store.ts';

/** Keeps the committed state in memory: tests, and the browser without IndexedDB. */
export class MemoryBatchStore implements BatchStore {
  #snapshot: StoreSnapshot;
  #commits = 0;

  constructor(initial?: StoreSnapshot) {
    this.#snapshot = initial ? cloneSnapshot(initial) : emptySnapshot();
  }

  /** How many batches have been committed. */
  get commits(): number {
    return this.#commits;
  }

  async load(): Promise<StoreSnapshot> {
    return cloneSnapshot(this.#snapshot);
  }

  async commit(batch: WriteBatch): Promise<void> {
    validateBatch(batch);
    applyBatch(this.#snapshot, structuredClone(batch));
    this.#commits += 1;
  }
}
