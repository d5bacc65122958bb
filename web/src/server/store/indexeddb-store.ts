// A BatchStore on IndexedDB: the server worker's durable store in a browser.
//
// One readwrite transaction per batch, with durability "strict" (the browser
// flushes to disk before the transaction completes), and commit() resolves on
// the transaction's complete event: a reply that depends on the batch can only
// be sent after that, so an approval is stored before it is acknowledged.
// Commits run one at a time in call order; after a failed commit the store is
// broken and refuses every later batch, so what is stored is always a prefix
// of what the engine emitted (no holes).
//
// Layout, schema version 2 (SCHEMA_VERSION):
//   object store "rows", keyPath ["t", "k"]
//     { t: table, k: key, v: JSON text of the value, c: CRC-32 of t NUL k NUL v }
// The value is kept as JSON text (what the engine emitted, byte for byte) and
// checksummed together with its table and key, so a record that is not what
// this store wrote (edited, truncated, of the wrong shape, moved to another
// key) is refused on load with an error that names its table and key.
//
// Schema history (each step of the upgrade path lives in UPGRADES):
//   1  object store "records", keyPath ["table", "key"], { table, key, value }
//      with the value as a structured clone, no checksum.
//   2  the layout above; the step from 1 re-encodes every record.
// A database of a newer version than this code knows is refused with
// StoreVersionError and left untouched.
import { applyBatch, cloneSnapshot, emptySnapshot, validateBatch, type BatchStore, type StoreSnapshot, type WriteBatch } from './batch-store.ts';
import { crc32Text } from './crc32.ts';

export const SCHEMA_VERSION = 2;
export const ROWS = 'rows';
/** The object store of schema version 1 (read only by the upgrade). */
export const V1_RECORDS = 'records';

/** IndexedDB cannot be used: missing, refused, blocked, or closed under us. The data it holds is untouched. */
export class StoreUnavailableError extends Error {
  readonly code: string = 'UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The database was written by a newer version of the app; it is left as it is. */
export class StoreVersionError extends StoreUnavailableError {
  override readonly code: string = 'FAILED_PRECONDITION';
  constructor(readonly database: string, readonly found: number, readonly supported: number) {
    super(`IndexedDB database "${database}" has schema version ${found}, written by a newer Durable Lab; ` +
      `this page understands up to version ${supported}. Reload to get the newer page (or reset the lab data). ` +
      'Nothing in it was changed.');
    this.name = 'StoreVersionError';
  }
}

/** The browser's storage quota is used up: the batch that hit it was not stored. */
export class StoreFullError extends Error {
  readonly code = 'RESOURCE_EXHAUSTED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreFullError';
  }
}

/** A stored record is not what this store wrote. Names the engine table and key. */
export class CorruptRecordError extends Error {
  readonly code = 'DATA_LOSS';
  constructor(readonly database: string, readonly table: string, readonly key: string, readonly detail: string) {
    super(`IndexedDB database "${database}": record ${JSON.stringify(key)} of table ${JSON.stringify(table)} is corrupted ` +
      `(${detail}). Nothing was changed; reset the lab data to start over.`);
    this.name = 'CorruptRecordError';
  }
}

export interface Row {
  t: string;
  k: string;
  v: string;
  c: number;
}

/** Encodes one put as a schema-2 row (exported for tests that fabricate records). */
export function encodeRow(table: string, key: string, value: unknown): Row {
  const v = JSON.stringify(value);
  if (typeof v !== 'string') throw new TypeError(`write batch value for ${table}/${key} is not JSON`);
  return { t: table, k: key, v, c: crc32Text(table, '\u0000', key, '\u0000', v) };
}

/** Decodes one schema-2 row read under `primaryKey`; throws CorruptRecordError. */
function decodeRow(database: string, primaryKey: unknown, row: unknown): { table: string; key: string; value: unknown } {
  const [pt, pk] = Array.isArray(primaryKey) ? primaryKey : [];
  const table = typeof pt === 'string' ? pt : String(pt);
  const key = typeof pk === 'string' ? pk : String(pk);
  const bad = (detail: string) => new CorruptRecordError(database, table, key, detail);
  if (row === null || typeof row !== 'object') throw bad(`the record is ${row === null ? 'null' : typeof row}, not an object`);
  const r = row as Partial<Row>;
  if (typeof pt !== 'string' || typeof pk !== 'string') throw bad('its key is not a pair of strings');
  if (r.t !== table || r.k !== key) throw bad('its table and key fields do not match where it is stored');
  if (typeof r.v !== 'string') throw bad(`its value is ${r.v === undefined ? 'missing' : `a ${typeof r.v}`}, not JSON text`);
  if (typeof r.c !== 'number') throw bad('its checksum is missing');
  if (crc32Text(table, '\u0000', key, '\u0000', r.v) !== r.c) throw bad('checksum mismatch: the value is not what was written');
  try {
    return { table, key, value: JSON.parse(r.v) };
  } catch (error) {
    throw bad(`its value is not valid JSON: ${(error as Error).message}`);
  }
}

/** Is the value plain JSON data (what the engine writes), with no undefined, NaN, Date, Blob, cycles...? */
function jsonProblem(value: unknown, depth = 0): string | null {
  if (depth > 512) return 'it is nested too deeply';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `it holds the number ${value}`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const p = jsonProblem(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `it holds a ${Object.prototype.toString.call(value).slice(8, -1)}`;
    for (const item of Object.values(value)) {
      const p = jsonProblem(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return `it holds a ${typeof value}`;
}

/** One upgrade step; calls done() when its requests have finished (steps may read and rewrite data). */
type Upgrade = (db: IDBDatabase, tx: IDBTransaction, done: () => void, fail: (error: Error) => void) => void;

/** A new database gets the current layout directly. */
function createCurrentLayout(db: IDBDatabase): void {
  db.createObjectStore(ROWS, { keyPath: ['t', 'k'] });
}

/** UPGRADES[v] takes a database from version v to v + 1, inside the versionchange transaction. */
const UPGRADES: Record<number, Upgrade> = {
  // Version 1 -> 2: structured-clone values become checksummed JSON text.
  1: (db, tx, done, fail) => {
    const rows = db.createObjectStore(ROWS, { keyPath: ['t', 'k'] });
    const cursorRequest = tx.objectStore(V1_RECORDS).openCursor();
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) {
        db.deleteObjectStore(V1_RECORDS);
        done();
        return;
      }
      const [pt, pk] = Array.isArray(cursor.primaryKey) ? cursor.primaryKey : [];
      const record = cursor.value as { table?: unknown; key?: unknown; value?: unknown } | null;
      const table = String(pt);
      const key = String(pk);
      let problem: string | null = null;
      if (typeof pt !== 'string' || typeof pk !== 'string') problem = 'its key is not a pair of strings';
      else if (record === null || typeof record !== 'object') problem = 'the record is not an object';
      else if (record.table !== pt || record.key !== pk) problem = 'its table and key fields do not match where it is stored';
      else if (!('value' in record)) problem = 'it has no value';
      else problem = jsonProblem(record.value);
      if (problem) {
        fail(new CorruptRecordError(db.name, table, key, `schema 1 record cannot be upgraded: ${problem}`));
        return;
      }
      rows.put(encodeRow(pt as string, pk as string, record!.value));
      cursor.continue();
    };
  },
};

export interface IndexedDbStoreOptions {
  /** The IDBFactory to use; defaults to globalThis.indexedDB. */
  factory?: IDBFactory;
  /** How long to wait for other connections to close before an upgrade or delete; default 10 s. */
  blockedTimeoutMs?: number;
  /** Transaction durability; default "strict". */
  durability?: IDBTransactionDurability;
}

function defaultFactory(): IDBFactory | undefined {
  try {
    return (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? undefined;
  } catch {
    return undefined; // some browsers throw on access in restricted contexts
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string } | null;
  if (!e) return 'unknown error';
  return e.message ? `${e.name ?? 'Error'}: ${e.message}` : String(e.name ?? e);
}

/** Whether a DOMException (or similar) says the storage quota is used up. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export class IndexedDbStore implements BatchStore {
  readonly name: string;
  readonly #factory: IDBFactory | undefined;
  readonly #blockedTimeoutMs: number;
  readonly #durability: IDBTransactionDurability;
  #db: IDBDatabase | null = null;
  #closedReason: string | null = null;
  #queue: Promise<void> = Promise.resolve();
  #broken: Error | null = null;
  #mirror: StoreSnapshot | null = null;
  #commits = 0;
  #pending = 0;
  #loadedRecords = 0;

  constructor(name: string, options: IndexedDbStoreOptions = {}) {
    this.name = name;
    this.#factory = options.factory ?? defaultFactory();
    this.#blockedTimeoutMs = options.blockedTimeoutMs ?? 10_000;
    this.#durability = options.durability ?? 'strict';
  }

  /** Batches committed since load(). */
  get commits(): number {
    return this.#commits;
  }

  /** Records load() read. */
  get loadedRecords(): number {
    return this.#loadedRecords;
  }

  /** The error that stopped this store, or null while it works. */
  get failure(): Error | null {
    return this.#broken;
  }

  /**
   * What every successfully committed batch adds up to (a copy): the state to
   * go on from in memory when IndexedDB fails. A batch whose commit failed is
   * not in it.
   */
  committedSnapshot(): StoreSnapshot {
    if (!this.#mirror) throw new Error(`IndexedDB store "${this.name}": load() has not completed`);
    return cloneSnapshot(this.#mirror);
  }

  /** Resolves when every commit issued so far has settled. */
  idle(): Promise<void> {
    return this.#queue;
  }

  async load(): Promise<StoreSnapshot> {
    if (this.#db || this.#mirror) throw new Error(`IndexedDB store "${this.name}": already loaded`);
    const db = await openDatabase(this.name, this.#factory, this.#blockedTimeoutMs);
    db.onversionchange = () => {
      // Another tab wants to upgrade or delete the database: let it. Commits
      // after this fail with StoreUnavailableError (and nothing is lost: the
      // host stops acknowledging and the server worker goes on in memory).
      this.#closedReason = 'another tab is upgrading or deleting the database';
      db.close();
      this.#db = null;
    };
    db.onclose = () => {
      this.#closedReason = 'the browser closed the database (site data cleared, or a storage error)';
      this.#db = null;
    };
    this.#db = db;
    try {
      const { keys, values } = await new Promise<{ keys: IDBValidKey[]; values: unknown[] }>((resolve, reject) => {
        const tx = db.transaction([ROWS], 'readonly');
        const store = tx.objectStore(ROWS);
        const keysRequest = store.getAllKeys();
        const valuesRequest = store.getAll();
        tx.oncomplete = () => resolve({ keys: keysRequest.result, values: valuesRequest.result });
        tx.onabort = () => reject(new StoreUnavailableError(`IndexedDB database "${this.name}" could not be read: ${describe(tx.error)}`, { cause: tx.error }));
      });
      if (keys.length !== values.length) {
        throw new StoreUnavailableError(`IndexedDB database "${this.name}" changed while it was read`);
      }
      const snapshot = emptySnapshot();
      for (let i = 0; i < keys.length; i++) {
        const { table, key, value } = decodeRow(this.name, keys[i], values[i]);
        applyBatch(snapshot, [{ table, key, value }]);
      }
      this.#loadedRecords = keys.length;
      this.#mirror = snapshot;
      return cloneSnapshot(snapshot);
    } catch (error) {
      db.close();
      this.#db = null;
      throw error;
    }
  }

  commit(batch: WriteBatch): Promise<void> {
    let rows: Array<Row | { t: string; k: string; delete: true }>;
    try {
      validateBatch(batch);
      rows = batch.map((op) => ('delete' in op && op.delete === true ? { t: op.table, k: op.key, delete: true as const } : encodeRow(op.table, op.key, (op as { value: unknown }).value)));
    } catch (error) {
      return Promise.reject(error); // a bad batch is refused and breaks nothing
    }
    this.#pending += 1;
    const result = this.#queue.then(() => this.#write(batch, rows));
    this.#queue = result.catch(() => {}).finally(() => { this.#pending -= 1; });
    return result;
  }

  #write(batch: WriteBatch, rows: Array<Row | { t: string; k: string; delete: true }>): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (!this.#mirror) return Promise.reject(new Error(`IndexedDB store "${this.name}": load() must be called before commit()`));
    const db = this.#db;
    if (!db) return Promise.reject(this.#breakWith(this.#unavailable(null)));
    return new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction;
      try {
        tx = db.transaction([ROWS], 'readwrite', { durability: this.#durability });
      } catch (error) {
        reject(this.#breakWith(this.#unavailable(error)));
        return;
      }
      let thrown: unknown = null;
      tx.oncomplete = () => {
        applyBatch(this.#mirror!, batch);
        this.#commits += 1;
        resolve();
      };
      tx.onabort = () => reject(this.#breakWith(this.#mapFailure(thrown ?? tx.error)));
      try {
        const store = tx.objectStore(ROWS);
        for (const row of rows) {
          if ('delete' in row) store.delete([row.t, row.k]);
          else store.put(row);
        }
      } catch (error) {
        // put() itself may throw (a closing connection; quota, in some engines):
        // abort so that none of the batch is stored.
        thrown = error;
        try {
          tx.abort();
        } catch {
          reject(this.#breakWith(this.#mapFailure(error)));
        }
      }
    });
  }

  #breakWith(error: Error): Error {
    this.#broken ??= error;
    return this.#broken;
  }

  #unavailable(cause: unknown): StoreUnavailableError {
    const why = this.#closedReason ?? (cause ? describe(cause) : 'the database is closed');
    return new StoreUnavailableError(`IndexedDB database "${this.name}" cannot be written: ${why}. The last change was not stored.`, { cause });
  }

  #mapFailure(error: unknown): Error {
    if (isQuotaError(error)) {
      return new StoreFullError(`IndexedDB is full: the browser's storage quota for this site is used up (${describe(error)}). ` +
        'The last change was not stored.', { cause: error });
    }
    if ((error as { name?: string } | null)?.name === 'InvalidStateError' || this.#closedReason) return this.#unavailable(error);
    return new StoreUnavailableError(`IndexedDB commit to "${this.name}" failed (${describe(error)}). The last change was not stored.`, { cause: error });
  }

  /** Waits for commits in flight, then closes the connection; later commits are refused. */
  async close(): Promise<void> {
    await this.#queue;
    this.#broken ??= new StoreUnavailableError(`IndexedDB store "${this.name}" is closed`);
    this.#db?.close();
    this.#db = null;
  }
}

/** Opens (creating or upgrading) the database; throws the typed errors above. */
function openDatabase(name: string, factory: IDBFactory | undefined, blockedTimeoutMs: number): Promise<IDBDatabase> {
  if (!factory) return Promise.reject(new StoreUnavailableError('IndexedDB is not available in this browser context (private mode, or storage is disabled)'));
  return new Promise<IDBDatabase>((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, SCHEMA_VERSION);
    } catch (error) {
      reject(new StoreUnavailableError(`IndexedDB refused to open "${name}": ${describe(error)}`, { cause: error }));
      return;
    }
    let settled = false;
    let upgradeError: Error | null = null;
    let blockedTimer: ReturnType<typeof setTimeout> | undefined;
    const settle = (error: Error | null, db?: IDBDatabase) => {
      if (blockedTimer !== undefined) clearTimeout(blockedTimer);
      if (settled) {
        db?.close(); // opened after we gave up waiting
        return;
      }
      settled = true;
      if (error) reject(error);
      else resolve(db!);
    };
    request.onblocked = () => {
      blockedTimer ??= setTimeout(() => settle(new StoreUnavailableError(
        `IndexedDB database "${name}" is held open by another tab with an older version of this page; close it and reload`)), blockedTimeoutMs);
    };
    request.onupgradeneeded = (event) => {
      const db = request.result;
      const tx = request.transaction!;
      const fail = (error: Error) => {
        upgradeError ??= error;
        try { tx.abort(); } catch { /* already finishing */ }
      };
      // Each old version is taken one step at a time; a step that reads data
      // finishes asynchronously, inside the same versionchange transaction.
      const run = (version: number) => {
        if (version >= SCHEMA_VERSION || upgradeError) return;
        const step = UPGRADES[version];
        try {
          if (!step) throw new StoreUnavailableError(`IndexedDB database "${name}" has schema version ${version}, which has no upgrade path`);
          step(db, tx, () => run(version + 1), fail);
        } catch (error) {
          fail(error as Error);
        }
      };
      if (event.oldVersion === 0) {
        try {
          createCurrentLayout(db);
        } catch (error) {
          fail(error as Error);
        }
      } else {
        run(event.oldVersion);
      }
    };
    request.onsuccess = () => settle(null, request.result);
    request.onerror = (event) => {
      event.preventDefault();
      const error = request.error;
      if (upgradeError) {
        settle(upgradeError);
      } else if (error?.name === 'VersionError') {
        existingVersion(factory, name).then(
          (found) => settle(new StoreVersionError(name, found, SCHEMA_VERSION)),
          () => settle(new StoreVersionError(name, NaN, SCHEMA_VERSION)),
        );
      } else if (isQuotaError(error)) {
        settle(new StoreFullError(`IndexedDB is full: "${name}" could not be opened (${describe(error)})`, { cause: error }));
      } else {
        settle(new StoreUnavailableError(`IndexedDB could not open "${name}": ${describe(error)}`, { cause: error }));
      }
    };
  });
}

function existingVersion(factory: IDBFactory, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name);
    request.onsuccess = () => {
      const version = request.result.version;
      request.result.close();
      resolve(version);
    };
    request.onerror = () => reject(request.error);
  });
}

/** Deletes the database (reset). Resolves once it is gone; other connections are asked to close. */
export function deleteIndexedDbStore(name: string, options: Pick<IndexedDbStoreOptions, 'factory' | 'blockedTimeoutMs'> = {}): Promise<void> {
  const factory = options.factory ?? defaultFactory();
  if (!factory) return Promise.reject(new StoreUnavailableError('IndexedDB is not available in this browser context'));
  return new Promise<void>((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.deleteDatabase(name);
    } catch (error) {
      reject(new StoreUnavailableError(`IndexedDB refused to delete "${name}": ${describe(error)}`, { cause: error }));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    request.onblocked = () => {
      // The delete stays queued and completes when the other connections close;
      // give up waiting (not the delete) after the timeout.
      timer ??= setTimeout(() => reject(new StoreUnavailableError(`deleting IndexedDB database "${name}" is blocked by a connection that does not close`)), options.blockedTimeoutMs ?? 10_000);
    };
    request.onsuccess = () => { clearTimeout(timer); resolve(); };
    request.onerror = () => { clearTimeout(timer); reject(new StoreUnavailableError(`IndexedDB could not delete "${name}": ${describe(request.error)}`, { cause: request.error })); };
  });
}
