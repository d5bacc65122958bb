// The attendee's workspace (web/src/labs/workspace.ts) and its drafts store
// (drafts-store.ts) on a database of the test's own: drafts over the starter,
// autosave, a file edited back to its starter, reset, the program each Python
// process runs (the chapter's until a lab is run), restoring the active lab
// after a reload, "modified since run", and the fall back to memory when the
// database cannot be opened or a write fails (quota), without losing text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lab } from '../../web/src/labs/catalog.ts';
import { DraftsStore, type DraftRecord, type ProgressRecord, type WorkspaceDatabase } from '../../web/src/labs/drafts-store.ts';
import {
  describeOrigin, runFreshness, Workspace, type ActiveLabMemory, type WorkspaceProgram,
} from '../../web/src/labs/workspace.ts';
import { StoreFullError, StoreUnavailableError } from '../../web/src/server/store/indexeddb-store.ts';

/** An in-memory database that records each call and fails on demand. */
class TestDatabase implements WorkspaceDatabase {
  readonly drafts = new Map<string, DraftRecord>();
  readonly progress = new Map<string, ProgressRecord>();
  readonly calls: string[] = [];
  failNextWrite: Error | null = null;
  closed = false;

  async readAll() {
    return { drafts: [...this.drafts.values()], progress: [...this.progress.values()] };
  }
  async putDraft(record: DraftRecord) {
    this.#write(`put ${record.lab}/${record.file}`);
    this.drafts.set(`${record.lab}/${record.file}`, { ...record });
  }
  async deleteDraft(lab: string, file: string) {
    this.#write(`delete ${lab}/${file}`);
    this.drafts.delete(`${lab}/${file}`);
  }
  async putProgress(record: ProgressRecord) {
    this.#write(`progress ${record.lab}`);
    this.progress.set(record.lab, record);
  }
  async deleteLab(lab: string) {
    this.#write(`reset ${lab}`);
    for (const key of [...this.drafts.keys()]) if (key.startsWith(`${lab}/`)) this.drafts.delete(key);
    this.progress.delete(lab);
  }
  close() {
    this.closed = true;
  }
  #write(call: string) {
    if (this.closed) throw new StoreUnavailableError('closed');
    const failure = this.failNextWrite;
    this.failNextWrite = null;
    if (failure) throw failure;
    this.calls.push(call);
  }
}

const LAB: Lab = {
  id: '01-timers', number: 1, title: 'Timers', summary: 'Timers.', minutes: 10,
  files: ['workflows.py', 'worker.py'], worker: 'worker.py',
  readme: '# Lab 01', check: 'check.run()',
  starter: { 'workflows.py': '# TODO(timer)\n', 'worker.py': 'run()\n' },
  solution: { 'workflows.py': 'await workflow.sleep(2)\n', 'worker.py': 'run()\n' },
};
const MCP_LAB: Lab = {
  ...LAB, id: '07-currency', number: 7, files: ['workflows.py', 'worker.py', 'mcp_servers/currency.py'], mcpServer: 'mcp_servers/currency.py',
  starter: { ...LAB.starter, 'mcp_servers/currency.py': 'mcp.run()\n' },
};
const CHAPTER = { files: () => ({ 'worker.py': 'chapter worker' }), workerEntry: 'worker.py', mcpEntry: 'mcp_servers/invoice.py' };

function memory(initial: string | null = null): ActiveLabMemory & { value: string | null } {
  return { value: initial, get() { return this.value; }, set(labId) { this.value = labId; } };
}

async function workspaceOn(database: TestDatabase, options: { active?: ActiveLabMemory; labs?: Lab[]; now?: () => number } = {}) {
  const drafts = await DraftsStore.open(async () => database);
  const labs = new Map((options.labs ?? [LAB, MCP_LAB]).map((lab) => [lab.id, lab]));
  const workspace = new Workspace({
    chapter: CHAPTER,
    drafts: async () => drafts,
    loadLab: async (id) => {
      const lab = labs.get(id);
      if (!lab) throw new Error(`no lab ${id}`);
      return lab;
    },
    activeLabMemory: options.active ?? memory(),
    autosaveMs: 5,
    now: options.now,
  });
  return { workspace, drafts };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a lab opens as its starter with the saved drafts over it', async () => {
  const database = new TestDatabase();
  database.drafts.set('01-timers/workflows.py', { lab: '01-timers', file: 'workflows.py', text: 'edited\n', savedAt: 42 });
  database.drafts.set('01-timers/gone.py', { lab: '01-timers', file: 'gone.py', text: 'no longer a lab file', savedAt: 43 });
  const { workspace } = await workspaceOn(database);
  await workspace.open(LAB);
  assert.deepEqual(workspace.files(LAB.id), { 'workflows.py': 'edited\n', 'worker.py': 'run()\n' });
});

test('edits autosave after a pause; a file edited back to its starter loses its draft', async () => {
  const database = new TestDatabase();
  const { workspace, drafts } = await workspaceOn(database, { now: () => 1_000 });
  await workspace.open(LAB);
  const changed: string[] = [];
  workspace.onChange((labId) => changed.push(labId));
  workspace.edit(LAB.id, 'workflows.py', 'a');
  workspace.edit(LAB.id, 'workflows.py', 'ab');
  assert.deepEqual(database.calls, [], 'nothing is written while typing');
  await tick(30);
  await drafts.idle();
  assert.deepEqual(database.calls, ['put 01-timers/workflows.py']);
  assert.deepEqual(database.drafts.get('01-timers/workflows.py'), { lab: '01-timers', file: 'workflows.py', text: 'ab', savedAt: 1_000 });
  assert.deepEqual(drafts.editedLabs(), new Set(['01-timers']));
  assert.deepEqual(changed, ['01-timers', '01-timers']);

  workspace.edit(LAB.id, 'workflows.py', LAB.starter['workflows.py']!);
  await workspace.save();
  assert.deepEqual(database.calls.slice(1), ['delete 01-timers/workflows.py']);
  assert.deepEqual(drafts.editedLabs(), new Set());
  assert.throws(() => workspace.edit(LAB.id, 'other.py', 'x'), /other\.py is not a file of 01-timers/);
});

test('reset puts the starter back and forgets the lab\u2019s drafts and progress, and only that lab\u2019s', async () => {
  const database = new TestDatabase();
  const { workspace, drafts } = await workspaceOn(database);
  await workspace.open(LAB);
  await workspace.open(MCP_LAB);
  workspace.edit(LAB.id, 'workflows.py', 'mine');
  workspace.edit(MCP_LAB.id, 'worker.py', 'theirs');
  await workspace.save();
  await drafts.saveProgress(LAB.id, { steps: ['a'], passed: ['a'], checkedAt: 1, completedAt: 1 });
  await workspace.reset(LAB.id);
  assert.deepEqual(workspace.files(LAB.id), LAB.starter);
  assert.equal(drafts.progress(LAB.id), undefined);
  assert.deepEqual(Object.keys(drafts.drafts(LAB.id)), []);
  assert.equal(workspace.files(MCP_LAB.id)['worker.py'], 'theirs');
  assert.deepEqual([...database.drafts.keys()], ['07-currency/worker.py']);
  assert.equal(database.progress.size, 0);
});

test('the processes run the chapter until a lab is run; then that lab\u2019s files, remembered for the next load', async () => {
  const active = memory();
  const { workspace } = await workspaceOn(new TestDatabase(), { active, now: () => Date.UTC(2025, 0, 1, 12, 3, 4) });
  assert.deepEqual(workspace.workerProgram(), { files: { 'worker.py': 'chapter worker' }, entry: 'worker.py', origin: { kind: 'chapter' } });
  await workspace.open(LAB);
  assert.equal(workspace.workerProgram().origin.kind, 'chapter', 'opening a lab does not change what runs');

  workspace.activate(LAB.id);
  assert.equal(active.value, LAB.id);
  const starter = workspace.workerProgram();
  assert.deepEqual(starter, { files: LAB.starter, entry: 'worker.py', origin: { kind: 'lab', labId: LAB.id, number: 1, editedAt: null } });
  assert.equal(describeOrigin(starter.origin), 'lab 01: the starter code');
  workspace.edit(LAB.id, 'workflows.py', 'edited');
  const edited = workspace.workerProgram();
  assert.equal(edited.files['workflows.py'], 'edited');
  assert.match(describeOrigin(edited.origin), /^lab 01: your code as edited at \d\d:\d\d:\d\d$/);
  // A lab without an MCP server leaves the MCP server on the chapter's.
  assert.deepEqual(workspace.mcpProgram().origin, { kind: 'chapter' });
  assert.equal(workspace.mcpProgram().entry, 'mcp_servers/invoice.py');

  await workspace.open(MCP_LAB);
  workspace.activate(MCP_LAB.id);
  assert.equal(workspace.mcpProgram().entry, 'mcp_servers/currency.py');
  assert.deepEqual(workspace.mcpProgram().files, MCP_LAB.starter);
  await workspace.save();
});

test('after a reload the remembered lab is active again, with its saved edits; a lab that is gone falls back to the chapter', async () => {
  const database = new TestDatabase();
  database.drafts.set('01-timers/workflows.py', { lab: '01-timers', file: 'workflows.py', text: 'saved', savedAt: 7 });
  const { workspace } = await workspaceOn(database, { active: memory(LAB.id) });
  await workspace.restore();
  assert.equal(workspace.activeLabId, LAB.id);
  assert.equal(workspace.workerProgram().files['workflows.py'], 'saved');
  assert.deepEqual(workspace.workerProgram().origin, { kind: 'lab', labId: LAB.id, number: 1, editedAt: 7 });

  const forgotten = memory('99-removed');
  const { workspace: other } = await workspaceOn(new TestDatabase(), { active: forgotten });
  await other.restore();
  assert.equal(other.activeLabId, null);
  assert.equal(forgotten.value, null);
  assert.equal(other.workerProgram().origin.kind, 'chapter');
});

test('run freshness: not run, other code, this lab\u2019s latest, modified since run', () => {
  const program = (origin: WorkspaceProgram['origin'], files: Record<string, string>): WorkspaceProgram => ({ files, entry: 'worker.py', origin });
  const mine = { kind: 'lab' as const, labId: LAB.id, number: 1, editedAt: 5 };
  const files = { 'workflows.py': 'v2', 'worker.py': 'run()' };
  assert.equal(runFreshness(null, LAB.id, files), 'not-run');
  assert.equal(runFreshness(program({ kind: 'chapter' }, files), LAB.id, files), 'other-code');
  assert.equal(runFreshness(program({ ...mine, labId: '02-other' }, files), LAB.id, files), 'other-code');
  assert.equal(runFreshness(program(mine, { ...files }), LAB.id, files), 'latest');
  assert.equal(runFreshness(program(mine, { ...files, 'workflows.py': 'v1' }), LAB.id, files), 'modified');
});

test('no database: the store works in memory and says why', async () => {
  const drafts = await DraftsStore.open(() => Promise.reject(new StoreUnavailableError('IndexedDB is not available here (private browsing, or storage is turned off)')));
  assert.deepEqual(drafts.durability, { kind: 'memory', reason: 'IndexedDB is not available here (private browsing, or storage is turned off)' });
  await drafts.saveDraft({ lab: 'a', file: 'f.py', text: 'kept', savedAt: 1 });
  assert.equal(drafts.drafts('a')['f.py']?.text, 'kept');
});

test('a failed write (quota) falls back to memory: the text stays, the reason is told, nothing more is written', async () => {
  const database = new TestDatabase();
  const { workspace, drafts } = await workspaceOn(database);
  let notified = 0;
  drafts.onChange(() => { if (drafts.durability.kind === 'memory') notified += 1; });
  await workspace.open(LAB);
  database.failNextWrite = new StoreFullError('the browser\u2019s storage for this site is full, so saving workflows.py failed');
  workspace.edit(LAB.id, 'workflows.py', 'precious');
  await workspace.save();
  assert.deepEqual(drafts.durability, { kind: 'memory', reason: 'the browser\u2019s storage for this site is full, so saving workflows.py failed' });
  assert.ok(notified >= 1);
  assert.ok(database.closed);
  assert.equal(workspace.files(LAB.id)['workflows.py'], 'precious');
  assert.equal(drafts.drafts(LAB.id)['workflows.py']?.text, 'precious');
  workspace.edit(LAB.id, 'worker.py', 'more');
  await workspace.save();
  assert.deepEqual(database.calls, [], 'no write reaches the database after the failure');
  assert.equal(drafts.drafts(LAB.id)['worker.py']?.text, 'more');
});
