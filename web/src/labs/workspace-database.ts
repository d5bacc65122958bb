// The drafts store's database in the browser: IndexedDB "durable-lab-workspace",
// its own database, apart from the server's, so resetting the server's data
// (or a server schema change) never touches the attendee's code.
//
// Layout, version 1:
//   "drafts"    keyPath ["lab", "file"]  DraftRecord
//   "progress"  keyPath "lab"            ProgressRecord
// Errors are the server store's typed ones: StoreFullError (quota) and
// StoreUnavailableError (missing, refused, blocked, closed); the drafts store
// turns either into "kept in memory", with the message.
import { isQuotaError, StoreFullError, StoreUnavailableError } from '../server/store/indexeddb-store.ts';
import type { DraftRecord, ProgressRecord, WorkspaceDatabase, WorkspaceRecords } from './drafts-store.ts';

const WORKSPACE_DATABASE = 'durable-lab-workspace';
const VERSION = 1;
const DRAFTS = 'drafts';
const PROGRESS = 'progress';
/** How long to wait for another tab holding an older version open before giving up on IndexedDB. */
const BLOCKED_TIMEOUT_MS = 5_000;

function failure(what: string, error: unknown): Error {
  const detail = error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);
  if (isQuotaError(error)) return new StoreFullError(`the browser's storage for this site is full, so ${what} failed (${detail})`, { cause: error });
  return new StoreUnavailableError(`IndexedDB ${what} failed (${detail})`, { cause: error });
}

export function openWorkspaceDatabase(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<WorkspaceDatabase> {
  if (!factory) return Promise.reject(new StoreUnavailableError('IndexedDB is not available here (private browsing, or storage is turned off)'));
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(WORKSPACE_DATABASE, VERSION);
    } catch (error) {
      reject(failure('opening the workspace database', error));
      return;
    }
    let settled = false;
    let blockedTimer: ReturnType<typeof setTimeout> | undefined;
    const settle = (outcome: { db: IDBDatabase } | { error: Error }) => {
      clearTimeout(blockedTimer);
      if (settled) {
        if ('db' in outcome) outcome.db.close(); // it opened after we gave up waiting
        return;
      }
      settled = true;
      if ('db' in outcome) resolve(new IndexedDbWorkspace(outcome.db));
      else reject(outcome.error);
    };
    request.onblocked = () => {
      blockedTimer ??= setTimeout(() => settle({ error: new StoreUnavailableError(
        'another tab holds the workspace database open with an older version of this page; close it and reload') }), BLOCKED_TIMEOUT_MS);
    };
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(DRAFTS, { keyPath: ['lab', 'file'] });
      db.createObjectStore(PROGRESS, { keyPath: 'lab' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading or deleting the database: let it; our next write fails and the store goes on in memory.
      db.onversionchange = () => db.close();
      settle({ db });
    };
    request.onerror = (event) => {
      event.preventDefault();
      settle({ error: failure('opening the workspace database', request.error) });
    };
  });
}

class IndexedDbWorkspace implements WorkspaceDatabase {
  constructor(private readonly db: IDBDatabase) {}

  readAll(): Promise<WorkspaceRecords> {
    return this.#transaction('reading the workspace', 'readonly', (tx) => {
      const drafts = tx.objectStore(DRAFTS).getAll();
      const progress = tx.objectStore(PROGRESS).getAll();
      return () => ({ drafts: drafts.result as DraftRecord[], progress: progress.result as ProgressRecord[] });
    });
  }

  putDraft(record: DraftRecord): Promise<void> {
    return this.#transaction(`saving ${record.file}`, 'readwrite', (tx) => { tx.objectStore(DRAFTS).put(record); return () => undefined; });
  }

  deleteDraft(lab: string, file: string): Promise<void> {
    return this.#transaction(`saving ${file}`, 'readwrite', (tx) => { tx.objectStore(DRAFTS).delete([lab, file]); return () => undefined; });
  }

  putProgress(record: ProgressRecord): Promise<void> {
    return this.#transaction('saving the lab\u2019s progress', 'readwrite', (tx) => { tx.objectStore(PROGRESS).put(record); return () => undefined; });
  }

  deleteLab(lab: string): Promise<void> {
    return this.#transaction('resetting the lab', 'readwrite', (tx) => {
      // Every file of the lab: keys [lab, anything], which sort between [lab] and [lab, []] (arrays sort after strings).
      tx.objectStore(DRAFTS).delete(IDBKeyRange.bound([lab], [lab, []]));
      tx.objectStore(PROGRESS).delete(lab);
      return () => undefined;
    });
  }

  close(): void {
    this.db.close();
  }

  /** One transaction over both stores; resolves with `run`'s result once it commits. */
  #transaction<T>(what: string, mode: IDBTransactionMode, run: (tx: IDBTransaction) => () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      let tx: IDBTransaction;
      let result: () => T;
      try {
        tx = this.db.transaction([DRAFTS, PROGRESS], mode);
        result = run(tx);
      } catch (error) {
        reject(failure(what, error));
        return;
      }
      tx.oncomplete = () => resolve(result());
      tx.onabort = () => reject(failure(what, tx.error));
    });
  }
}
