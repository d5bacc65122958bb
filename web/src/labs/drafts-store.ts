// The attendee's saved work: each lab's edited files and its progress.
//
// The store keeps every record in memory and writes each change through to a
// database (IndexedDB in the page: workspace-database.ts). Reads come from
// memory, so a database that cannot be opened, is blocked, or fails a write
// (quota) costs durability but never the text: the store goes on in memory
// and says why, for the page to show. Environment-neutral, so the tests drive
// it with a database of their own.
import type { LabProgress } from './progress.ts';

export interface DraftRecord {
  lab: string;
  /** The file's path, one of lab.json "files". */
  file: string;
  text: string;
  /** When the text was edited (ms since the epoch). */
  savedAt: number;
}

export interface ProgressRecord {
  lab: string;
  progress: LabProgress;
}

export interface WorkspaceRecords {
  drafts: DraftRecord[];
  progress: ProgressRecord[];
}

/** Where the records are kept for good. Each method settles when the change is stored or has failed. */
export interface WorkspaceDatabase {
  readAll(): Promise<WorkspaceRecords>;
  putDraft(record: DraftRecord): Promise<void>;
  deleteDraft(lab: string, file: string): Promise<void>;
  putProgress(record: ProgressRecord): Promise<void>;
  /** Deletes the lab's drafts and progress together. */
  deleteLab(lab: string): Promise<void>;
  close(): void;
}

export type Durability =
  | { kind: 'saved' }
  /** Changes live in this tab only; `reason` says why, for a person. */
  | { kind: 'memory'; reason: string };

export class DraftsStore {
  readonly #drafts = new Map<string, Map<string, DraftRecord>>();
  readonly #progress = new Map<string, LabProgress>();
  readonly #listeners = new Set<() => void>();
  #database: WorkspaceDatabase | null;
  #durability: Durability;
  /** Writes run one at a time, in the order the changes were made. */
  #writes: Promise<void> = Promise.resolve();

  private constructor(database: WorkspaceDatabase | null, records: WorkspaceRecords, durability: Durability) {
    this.#database = database;
    this.#durability = durability;
    for (const draft of records.drafts) this.#labDrafts(draft.lab).set(draft.file, draft);
    for (const { lab, progress } of records.progress) this.#progress.set(lab, progress);
  }

  /** Opens the database and reads it; without one (or if it fails) the store starts empty, in memory. */
  static async open(connect: () => Promise<WorkspaceDatabase>): Promise<DraftsStore> {
    let database: WorkspaceDatabase | undefined;
    try {
      database = await connect();
      return new DraftsStore(database, await database.readAll(), { kind: 'saved' });
    } catch (error) {
      database?.close();
      return new DraftsStore(null, { drafts: [], progress: [] }, { kind: 'memory', reason: reasonOf(error) });
    }
  }

  get durability(): Durability {
    return this.#durability;
  }

  /** Called after every change: a draft, progress, or the store falling back to memory. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The lab's saved files: {file: record}. */
  drafts(lab: string): Record<string, DraftRecord> {
    return Object.fromEntries(this.#drafts.get(lab) ?? []);
  }

  /** Labs with at least one saved file. */
  editedLabs(): Set<string> {
    return new Set([...this.#drafts].filter(([, files]) => files.size > 0).map(([lab]) => lab));
  }

  progress(lab: string): LabProgress | undefined {
    return this.#progress.get(lab);
  }

  saveDraft(record: DraftRecord): Promise<void> {
    this.#labDrafts(record.lab).set(record.file, { ...record });
    return this.#write((db) => db.putDraft(record));
  }

  deleteDraft(lab: string, file: string): Promise<void> {
    if (!this.#drafts.get(lab)?.delete(file)) return this.#writes;
    return this.#write((db) => db.deleteDraft(lab, file));
  }

  saveProgress(lab: string, progress: LabProgress): Promise<void> {
    this.#progress.set(lab, progress);
    return this.#write((db) => db.putProgress({ lab, progress }));
  }

  /** Forgets the lab's files and progress (Reset to starter). */
  resetLab(lab: string): Promise<void> {
    this.#drafts.delete(lab);
    this.#progress.delete(lab);
    return this.#write((db) => db.deleteLab(lab));
  }

  /** Resolves when every change made so far is stored (or the store has fallen back to memory). */
  idle(): Promise<void> {
    return this.#writes;
  }

  #labDrafts(lab: string): Map<string, DraftRecord> {
    let files = this.#drafts.get(lab);
    if (!files) this.#drafts.set(lab, (files = new Map()));
    return files;
  }

  /** Memory already holds the change; this stores it, or falls back to memory when storing fails. */
  #write(store: (db: WorkspaceDatabase) => Promise<void>): Promise<void> {
    this.#emit();
    this.#writes = this.#writes.then(async () => {
      const db = this.#database;
      if (!db) return;
      try {
        await store(db);
      } catch (error) {
        this.#fallBackToMemory(error);
      }
    });
    return this.#writes;
  }

  #fallBackToMemory(error: unknown): void {
    this.#database?.close();
    this.#database = null;
    this.#durability = { kind: 'memory', reason: reasonOf(error) };
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
