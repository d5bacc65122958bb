// The persistence contract on the host side (see wasm/include/durable/store.h).
//
// The engine emits one WriteBatch per state change; a BatchStore commits each
// one atomically and durably, in order, and load() returns what all committed
// batches add up to. Tables and keys are the engine's business: opaque here.
// The interface is deliberately narrow so that an IndexedDB store fits it too.

export interface PutOp {
  table: string;
  key: string;
  value: unknown;
}
export interface DeleteOp {
  table: string;
  key: string;
  delete: true;
}
export type BatchOp = PutOp | DeleteOp;
export type WriteBatch = BatchOp[];

/** table -> key -> value (JSON), as Engine.open expects it. */
export type StoreSnapshot = Record<string, Record<string, unknown>>;

export interface BatchStore {
  /** Everything committed so far. Called once, before the first commit. */
  load(): Promise<StoreSnapshot>;
  /** Resolves only once the batch is durable; batches are never reordered. */
  commit(batch: WriteBatch): Promise<void>;
  close?(): Promise<void>;
}

export function emptySnapshot(): StoreSnapshot {
  return Object.create(null) as StoreSnapshot;
}

/** Checks the shape of one batch as it comes from the engine (or from a log file). */
export function validateBatch(batch: unknown): asserts batch is WriteBatch {
  if (!Array.isArray(batch)) throw new TypeError('a write batch is an array of operations');
  batch.forEach((op: unknown, i) => {
    const o = op as Record<string, unknown>;
    if (o === null || typeof o !== 'object' || typeof o.table !== 'string' || typeof o.key !== 'string') {
      throw new TypeError(`write batch operation ${i} needs string fields "table" and "key"`);
    }
    if (('value' in o) === (o.delete === true)) {
      throw new TypeError(`write batch operation ${i} needs exactly one of "value" and "delete": true`);
    }
  });
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies a batch in place, exactly as the engine's ApplyToSnapshot does.
 * Tables and rows are null-prototype objects, so keys such as "__proto__"
 * (workflow IDs are user input) are ordinary keys.
 */
export function applyBatch(snapshot: StoreSnapshot, batch: WriteBatch): void {
  for (const op of batch) {
    let rows = Object.hasOwn(snapshot, op.table) ? snapshot[op.table] : undefined;
    if ('delete' in op && op.delete === true) {
      if (rows) delete rows[op.key];
      continue;
    }
    if (!rows) {
      rows = Object.create(null) as Record<string, unknown>;
      define(snapshot, op.table, rows);
    }
    define(rows, op.key, (op as PutOp).value);
  }
}

/** A deep copy, again with null-prototype tables and rows. */
export function cloneSnapshot(snapshot: StoreSnapshot): StoreSnapshot {
  const copy = emptySnapshot();
  for (const [table, rows] of Object.entries(snapshot)) {
    const copied = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of Object.entries(rows)) define(copied, key, structuredClone(value));
    define(copy, table, copied);
  }
  return copy;
}
