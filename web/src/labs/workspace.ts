// The attendee's workspace: each lab's files as they edit them, autosaved to
// the drafts store, and the program the Python processes run.
//
// The worker and the MCP server run the *active lab*: the lab whose code the
// attendee last ran (Run on its page), remembered across reloads so a reload
// restarts the same code. Until a lab is run they run the chapter's example,
// the app's behaviour without labs. Opening a lab's page to read it does not
// change what runs; the page says so instead.
//
// A process records the program it started with (files and origin), read in
// one go at its start, so the page can tell "running your latest code" from
// "modified since run" by comparing those files with the editor's.
import type { Lab } from './catalog.ts';
import type { DraftsStore } from './drafts-store.ts';

/** What one Python process start runs. */
export interface WorkspaceProgram {
  files: Record<string, string>;
  /** The script, e.g. "worker.py". */
  entry: string;
  origin: ProgramOrigin;
}

export type ProgramOrigin =
  | { kind: 'chapter' }
  /** A lab's files as edited at `editedAt` (null: the untouched starter). */
  | { kind: 'lab'; labId: string; number: number; editedAt: number | null };

/** The chapter's example: what runs while no lab is active. */
export interface ChapterExample {
  files(): Record<string, string>;
  workerEntry: string;
  mcpEntry: string;
}

/** Where the active lab's id is remembered (localStorage in the page). */
export interface ActiveLabMemory {
  get(): string | null;
  set(labId: string | null): void;
}

export interface WorkspaceOptions {
  chapter: ChapterExample;
  /** The drafts store; opened by the caller, once. */
  drafts: () => Promise<DraftsStore>;
  loadLab: (labId: string) => Promise<Lab>;
  activeLabMemory: ActiveLabMemory;
  /** Edits are saved this long after the last keystroke (default 600 ms). */
  autosaveMs?: number;
  now?: () => number;
}

interface OpenLab {
  lab: Lab;
  files: Record<string, string>;
  editedAt: number | null;
  /** Files edited since they were last handed to the drafts store. */
  unsaved: Set<string>;
}

export class Workspace {
  readonly #options: WorkspaceOptions;
  readonly #now: () => number;
  readonly #labs = new Map<string, OpenLab>();
  readonly #listeners = new Set<(labId: string) => void>();
  #active: OpenLab | null = null;
  #autosave: ReturnType<typeof setTimeout> | undefined;

  constructor(options: WorkspaceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Called with the lab whose files or activity changed. */
  onChange(listener: (labId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Makes the remembered active lab active again (after a reload); falls back to the chapter if it is gone. */
  async restore(): Promise<void> {
    const labId = this.#options.activeLabMemory.get();
    if (!labId) return;
    try {
      await this.open(await this.#options.loadLab(labId));
      this.activate(labId);
    } catch {
      this.#options.activeLabMemory.set(null);
    }
  }

  /** Loads a lab's files: the starter, with the attendee's saved drafts over it. */
  async open(lab: Lab): Promise<void> {
    if (this.#labs.has(lab.id)) return;
    const drafts = (await this.#options.drafts()).drafts(lab.id);
    if (this.#labs.has(lab.id)) return; // opened by a concurrent call meanwhile
    const files: Record<string, string> = {};
    let editedAt: number | null = null;
    for (const file of lab.files) {
      const draft = drafts[file];
      files[file] = draft?.text ?? lab.starter[file] ?? '';
      if (draft) editedAt = Math.max(editedAt ?? 0, draft.savedAt);
    }
    this.#labs.set(lab.id, { lab, files, editedAt, unsaved: new Set() });
  }

  /** The lab's files as edited now (the lab must be open). */
  files(labId: string): Record<string, string> {
    return { ...this.#lab(labId).files };
  }

  /** Records an edit; it is saved after a pause in typing, or by save(). */
  edit(labId: string, file: string, text: string): void {
    const open = this.#lab(labId);
    if (!(file in open.files)) throw new Error(`${file} is not a file of ${labId}`);
    if (open.files[file] === text) return;
    open.files[file] = text;
    open.editedAt = this.#now();
    open.unsaved.add(file);
    clearTimeout(this.#autosave);
    this.#autosave = setTimeout(() => void this.save(), this.#options.autosaveMs ?? 600);
    this.#emit(labId);
  }

  /** Saves every pending edit now; resolves when the drafts store has them. */
  async save(): Promise<void> {
    clearTimeout(this.#autosave);
    this.#autosave = undefined;
    if (this.#labs.size === 0) return; // nothing to save, and no reason to open the database
    const drafts = await this.#options.drafts();
    for (const open of this.#labs.values()) {
      for (const file of open.unsaved) {
        const text = open.files[file]!;
        // A file back to its starter text is no edit: dropping its draft keeps "not started" honest.
        if (text === open.lab.starter[file]) void drafts.deleteDraft(open.lab.id, file);
        else void drafts.saveDraft({ lab: open.lab.id, file, text, savedAt: open.editedAt ?? this.#now() });
      }
      open.unsaved.clear();
    }
    await drafts.idle();
  }

  /** Puts the starter files back and forgets the lab's drafts and progress. */
  async reset(labId: string): Promise<void> {
    const open = this.#lab(labId);
    open.files = Object.fromEntries(open.lab.files.map((file) => [file, open.lab.starter[file] ?? '']));
    open.unsaved.clear();
    open.editedAt = null;
    this.#emit(labId);
    await (await this.#options.drafts()).resetLab(labId);
  }

  /** The lab whose files the processes run, or null for the chapter's example. */
  get activeLabId(): string | null {
    return this.#active?.lab.id ?? null;
  }

  /** From the next start on, the worker (and the MCP server, if the lab has one) run this open lab's files. */
  activate(labId: string): void {
    const open = this.#lab(labId);
    if (this.#active === open) return;
    this.#active = open;
    this.#options.activeLabMemory.set(labId);
    this.#emit(labId);
  }

  workerProgram(): WorkspaceProgram {
    const open = this.#active;
    if (!open) return { files: this.#options.chapter.files(), entry: this.#options.chapter.workerEntry, origin: { kind: 'chapter' } };
    return { files: { ...open.files }, entry: open.lab.worker, origin: labOrigin(open) };
  }

  /** The MCP server runs the active lab's server if it has one, else the chapter's. */
  mcpProgram(): WorkspaceProgram {
    const open = this.#active;
    if (!open?.lab.mcpServer) return { files: this.#options.chapter.files(), entry: this.#options.chapter.mcpEntry, origin: { kind: 'chapter' } };
    return { files: { ...open.files }, entry: open.lab.mcpServer, origin: labOrigin(open) };
  }

  #lab(labId: string): OpenLab {
    const open = this.#labs.get(labId);
    if (!open) throw new Error(`lab ${labId} is not open in the workspace`);
    return open;
  }

  #emit(labId: string): void {
    for (const listener of this.#listeners) listener(labId);
  }
}

function labOrigin(open: OpenLab): ProgramOrigin {
  return { kind: 'lab', labId: open.lab.id, number: open.lab.number, editedAt: open.editedAt };
}

/**
 * What a process runs, seen from a lab's page: nothing yet, other code (the
 * chapter's example or another lab), this lab's latest edit, or this lab's
 * code as it was before later edits ("modified since run").
 */
export type RunFreshness = 'not-run' | 'other-code' | 'latest' | 'modified';

export function runFreshness(program: WorkspaceProgram | null, labId: string, files: Record<string, string>): RunFreshness {
  if (!program) return 'not-run';
  if (program.origin.kind !== 'lab' || program.origin.labId !== labId) return 'other-code';
  const names = new Set([...Object.keys(program.files), ...Object.keys(files)]);
  return [...names].every((name) => program.files[name] === files[name]) ? 'latest' : 'modified';
}

/** "12:03:04", the local time of day. */
function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

export function labNumber(number: number): string {
  return String(number).padStart(2, '0');
}

/** For a person: whose code a process runs. */
export function describeOrigin(origin: ProgramOrigin): string {
  if (origin.kind === 'chapter') return 'the chapter\u2019s example code';
  const lab = `lab ${labNumber(origin.number)}`;
  return origin.editedAt === null ? `${lab}: the starter code` : `${lab}: your code as edited at ${clockTime(origin.editedAt)}`;
}

/** The active lab's id in localStorage; without storage (private mode) nothing is remembered. */
export const localActiveLabMemory: ActiveLabMemory = {
  get() {
    try {
      return localStorage.getItem(ACTIVE_LAB_KEY);
    } catch {
      return null;
    }
  },
  set(labId) {
    try {
      if (labId === null) localStorage.removeItem(ACTIVE_LAB_KEY);
      else localStorage.setItem(ACTIVE_LAB_KEY, labId);
    } catch {
      // Storage may be unavailable: a reload then starts on the chapter's example again.
    }
  },
};

const ACTIVE_LAB_KEY = 'durable-lab:active-lab';
