// The labs catalogue's rules (web/src/labs/catalog.ts), the check report
// (check-run.ts), and the test helpers that read labs: the README review and
// the chapter paste. No engine, no Pyodide.
//
//   node --import tsx --test tests/labs/catalog.test.ts
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildCatalog, labIndex, LabFormatError, type LabFolder } from '../../web/src/labs/catalog.ts';
import { CheckRecorder, checkProcessStart } from '../../web/src/labs/check-run.ts';
import type { ProcessEvent } from '../../web/src/processes/protocol.ts';
import { chapterStatement, parseChapterFixture, pasteChapterCode } from './chapter-paste.ts';
import { inlineCode, readmeProblems } from './readme-review.ts';

const MANIFEST = { title: 'Timers', summary: 'Wait, then pay.', minutes: 15, files: ['workflows.py', 'worker.py'], worker: 'worker.py' };

function folder(name = '01-timers', change: (f: LabFolder) => void = () => {}): LabFolder {
  const f: LabFolder = {
    name,
    files: { 'lab.json': JSON.stringify(MANIFEST), 'README.md': '# Timers', 'check.py': 'check.run()' },
    directories: { starter: { 'workflows.py': '# TODO(timer)', 'worker.py': 'run()' }, solution: { 'workflows.py': 'sleep()' } },
  };
  change(f);
  return f;
}

/** The problems buildCatalog reports for these folders. */
function problems(...folders: LabFolder[]): string[] {
  try {
    buildCatalog(folders);
  } catch (error) {
    assert.ok(error instanceof LabFormatError);
    return error.problems;
  }
  return [];
}

const manifest = (change: Record<string, unknown>) => (f: LabFolder) => {
  f.files['lab.json'] = JSON.stringify({ ...MANIFEST, ...change });
};

describe('the catalogue', () => {
  test('a valid lab: lab.json fields, id and number from the folder, the solution completed from the starter', () => {
    const catalog = buildCatalog([folder('02-signals'), folder(), { name: '07-draft', files: {}, directories: { solution: {} } }]);
    assert.deepEqual(catalog.drafts, ['07-draft']);
    const [lab] = catalog.labs;
    assert.equal(lab!.id, '01-timers');
    assert.equal(lab!.number, 1);
    assert.deepEqual(lab!.solution, { 'workflows.py': 'sleep()', 'worker.py': 'run()' });
    assert.deepEqual(labIndex(catalog).labs.map((l) => [l.id, l.title, 'readme' in l]), [['01-timers', 'Timers', false], ['02-signals', 'Timers', false]]);
  });

  test('each problem names the folder and what to do', () => {
    assert.deepEqual(problems(folder('1-timers')), ['labs/1-timers: the folder name must be NN-slug: two digits, a dash, lowercase words joined by dashes (e.g. 01-timers-and-retries)']);
    assert.deepEqual(problems(folder(undefined, (f) => { delete f.files['README.md']; f.files['check.py'] = ' '; })),
      ['labs/01-timers: README.md is missing', 'labs/01-timers: check.py is empty']);
    assert.deepEqual(problems(folder(undefined, (f) => { f.files['lab.json'] = '{"title": '; })).map((p) => p.replace(/JSON: .*/, 'JSON: ...')),
      ['labs/01-timers: lab.json is not valid JSON: ...']);
    assert.deepEqual(problems(folder(undefined, (f) => { f.files['notes.txt'] = ''; f.directories.tests = {}; })), [
      'labs/01-timers: unexpected file notes.txt (a lab folder holds lab.json, README.md, check.py, starter/, solution/, and optionally instructor.md and chapter.json)',
      'labs/01-timers: unexpected folder tests/ (a lab folder holds lab.json, README.md, check.py, starter/, solution/, and optionally instructor.md and chapter.json)',
    ]);
  });

  test('lab.json: every field is checked, unknown fields are refused', () => {
    assert.deepEqual(problems(folder(undefined, manifest({ titel: 'x', title: '', summary: 'two\nlines', minutes: 1.5 }))), [
      'labs/01-timers: lab.json "titel" is not a lab.json field (the fields are title, summary, minutes, files, worker, mcpServer)',
      'labs/01-timers: lab.json "title" must be a non-empty line of text',
      'labs/01-timers: lab.json "summary" must be a non-empty line of at most 200 characters',
      'labs/01-timers: lab.json "minutes" must be a whole number of minutes from 1 to 240',
    ]);
    assert.deepEqual(problems(folder(undefined, manifest({ files: ['../up.py', 'worker.py', 'worker.py'], worker: 'main.py', mcpServer: 'worker.json' }))), [
      'labs/01-timers: lab.json "files" has a bad path: "../up.py" is not a relative path inside the project (no leading "/", no "." or ".." parts)',
      'labs/01-timers: lab.json "files" lists a file twice',
      'labs/01-timers: lab.json "worker" must name a .py file listed in "files"',
      'labs/01-timers: lab.json "mcpServer" must name a .py file listed in "files" (or be left out)',
    ]);
    assert.deepEqual(problems(folder(undefined, manifest({ files: [] }))), [
      'labs/01-timers: lab.json "files" must be a non-empty list of file paths (the editor tabs, in order)',
      'labs/01-timers: lab.json "worker" must name a .py file listed in "files"',
    ]);
  });

  test('starter/ holds exactly the files of lab.json; solution/ only files of lab.json', () => {
    assert.deepEqual(problems(folder(undefined, (f) => {
      delete f.directories.starter!['worker.py'];
      f.directories.solution!['extra.py'] = '';
    })), [
      'labs/01-timers: solution/extra.py is not in lab.json "files" (list it there, or remove it)',
      'labs/01-timers: starter/worker.py is missing (lab.json "files" lists it)',
    ]);
    assert.deepEqual(problems(folder(undefined, (f) => { delete f.directories.solution; })), ['labs/01-timers: solution/ is missing or empty']);
  });

  test('two labs with one number, and problems of several labs, are all reported', () => {
    assert.deepEqual(problems(folder('01-a'), folder('01-b'), folder('02-c', manifest({ minutes: 0 }))), [
      'labs/02-c: lab.json "minutes" must be a whole number of minutes from 1 to 240',
      'labs/01-b: labs/01-a has the number 01 too; each lab needs its own',
    ]);
    assert.match(new LabFormatError(['a', 'b']).message, /^Labs are not valid:\n {2}- a\n {2}- b$/);
  });
});

describe('the check report', () => {
  const lab = { check: 'check.run()', worker: 'worker.py' };
  const check = (event: Extract<ProcessEvent, { type: 'check' }>['event']): ProcessEvent => ({ type: 'check', event });
  const plan = check({ kind: 'plan', title: 'Lab', steps: [{ id: 'a', title: 'A', hint: 'fix a' }, { id: 'b', title: 'B', hint: 'fix b' }, { id: 'c', title: 'C', hint: 'fix c' }] });

  test('the check process runs check.py next to the attendee\'s files, told which script is the worker', () => {
    assert.deepEqual(checkProcessStart(lab, { 'worker.py': 'w' }), { files: { 'worker.py': 'w', 'check.py': 'check.run()' }, entry: 'check.py', argv: ['--worker', 'worker.py'] });
  });

  test('a full run', () => {
    const recorder = new CheckRecorder();
    for (const event of [plan, check({ kind: 'step-started', id: 'a' }), check({ kind: 'step-result', result: { id: 'a', title: 'A', status: 'passed' } }),
      check({ kind: 'step-result', result: { id: 'b', title: 'B', status: 'failed', hint: 'fix b', happened: 'no' } }),
      check({ kind: 'step-result', result: { id: 'c', title: 'C', status: 'skipped', reason: 'needs B' } }),
      check({ kind: 'summary', passed: 1, failed: 1, skipped: 1 })]) recorder.accept(event);
    const report = recorder.report({ code: 1, reason: 'completed' });
    assert.deepEqual([report.passed, report.failed, report.skipped, report.ok, report.error], [1, 1, 1, false, undefined]);
    assert.deepEqual(report.steps.map((s) => [s.status, s.hint]), [['passed', 'fix a'], ['failed', 'fix b'], ['skipped', 'fix c']]);
  });

  test('a check that ends early: the running step fails with the reason, the rest are skipped', () => {
    const recorder = new CheckRecorder();
    recorder.accept(plan);
    recorder.accept(check({ kind: 'step-started', id: 'a' }));
    assert.equal(recorder.report().steps[0]!.status, 'running');
    const report = recorder.report({ code: 1, reason: 'error', error: { type: 'MemoryError', message: 'out of memory' } });
    assert.equal(report.error, 'MemoryError: out of memory');
    assert.deepEqual(report.steps.map((s) => s.status), ['failed', 'skipped', 'skipped']);
    assert.equal(report.steps[0]!.happened, 'the check stopped here: MemoryError: out of memory');
    assert.equal(new CheckRecorder().report({ code: 0, reason: 'completed' }).error, 'check.py ended (exit code 0) without running its steps: it must end with check.run()');
  });
});

describe('the README review', () => {
  const lab = {
    files: ['workflows.py', 'worker.py'],
    starter: { 'workflows.py': '# TODO(timer): wait\nclass InvoiceWorkflow:\n    async def run(self):\n        pass\n', 'worker.py': 'task_queue="invoice-task-queue"' },
    solution: { 'workflows.py': 'await workflow.sleep(timedelta(seconds=2))' },
  };
  const review = (readme: string, allowed?: Set<string>) => readmeProblems({ ...lab, readme }, allowed);

  test('inline code only: fenced blocks, indented ones too, are examples', () => {
    assert.deepEqual(inlineCode('Run `worker.py`.\n\n   ```json\n   {"a": `x`}\n   ```\n\n``a `b` c`` and `d`'), ['worker.py', 'a `b` c', 'd']);
  });

  test('files, TODOs, strings and names that exist pass; prose and event types pass', () => {
    assert.deepEqual(review('`worker.py`, `TODO(timer)`, `"invoice-task-queue"`, `InvoiceWorkflow.run()`, `@workflow.sleep`, '
      + '`TimerStarted`, `await workflow.sleep(timedelta(seconds=2))`, `+5 days`'), []);
  });

  test('whatever the code lacks is named', () => {
    assert.deepEqual(review('`activities.py`, `TODO(retry)`, `"payments"`, `payment_gatway`, `workflow.sleeep`, `TimerStart`'), [
      '`activities.py` is not one of the lab\'s files (workflows.py, worker.py)',
      '`TODO(retry)` is not a TODO in starter/',
      '`"payments"` does not appear in starter/ or solution/',
      '`payment_gatway`: payment_gatway is not in starter/ or solution/',
      '`workflow.sleeep`: sleeep is not in starter/ or solution/',
      '`TimerStart`: TimerStart is not in starter/ or solution/',
    ]);
  });

  test('an allowed name need not be in the code', () => {
    assert.deepEqual(review('`WorkflowEnvironment.sleep()`', new Set(['WorkflowEnvironment.sleep'])), []);
  });
});

describe('the chapter paste', () => {
  const chapter = [
    'class InvoiceWorkflow:',
    '    @workflow.signal',
    '    async def RejectInvoice(self) -> None:',
    '        self.approved = False',
    '',
    '    @workflow.run',
    '    async def run(self, invoice: dict) -> str:',
    '        await workflow.wait_condition(',
    '            lambda: self.approved is not None,  # (a comment',
    '            timeout=timedelta(days=5),',
    '        )',
    '        return "(done"',
  ].join('\n');

  test('a statement: its decorators, its bracketed continuation, its block; dedented', () => {
    assert.deepEqual(chapterStatement(chapter, 'async def RejectInvoice', 'workflows.py'),
      ['@workflow.signal', 'async def RejectInvoice(self) -> None:', '    self.approved = False']);
    assert.deepEqual(chapterStatement(chapter, 'wait_condition(', 'workflows.py'),
      ['await workflow.wait_condition(', '    lambda: self.approved is not None,  # (a comment', '    timeout=timedelta(days=5),', ')']);
    assert.throws(() => chapterStatement(chapter, 'self.approved', 'workflows.py'), /has 2 lines with "self.approved"; an anchor must pick one/);
  });

  test('chapter.json: pastes, or why there are none', () => {
    assert.throws(() => parseChapterFixture('{"pastes": []}', 'x'), /give either pastes, or an empty list and "noChapterCode"/);
    assert.throws(() => parseChapterFixture('{"pastes": [{"todo": "t"}]}', 'x'), /"pastes" must be a list of \{todo, file, anchor, from\?\}/);
    assert.deepEqual(parseChapterFixture('{"pastes": [], "noChapterCode": "an exercise"}', 'x'), { pastes: [], fails: {}, noChapterCode: 'an exercise' });
  });

  test('the statement replaces the TODO line at its indentation; a missing TODO is an error', () => {
    const starter = { 'workflows.py': 'class W:\n    def f(self):\n        # TODO(timer): wait\n        pay()\n' };
    const fixture = { pastes: [{ todo: 'timer', file: 'workflows.py', anchor: 'await workflow.sleep(' }], fails: {} };
    assert.equal(pasteChapterCode(starter, fixture)['workflows.py'],
      'class W:\n    def f(self):\n        await workflow.sleep(timedelta(seconds=2))\n        pay()\n');
    assert.throws(() => pasteChapterCode({ 'workflows.py': '' }, fixture), /has 0 lines starting with # TODO\(timer\):; it needs exactly one/);
  });
});
