// Every lab in labs/, proven: its check passes the solution, fails the
// untouched starter with the hints it wrote, and passes the starter with the
// chapter's own code pasted into its TODOs (chapter-paste.ts); its README
// names only what its code has (readme-review.ts). Then the check host's own
// edges: errors in the attendee's files, a hung step, a hung check.
//
// Each check runs as the lab page runs it: check.py next to the attendee's
// files, in a fresh Pyodide, on a private engine (web/src/labs/node.ts).
//
//   node --experimental-wasm-stack-switching --import tsx --test tests/labs/labs.test.ts
//   LAB=01-timers-and-retries node ...   (one lab)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Lab } from '../../web/src/labs/catalog.ts';
import type { CheckReport } from '../../web/src/labs/check-run.ts';
import { LABS_DIR, readLabs, runLabCheck } from '../../web/src/labs/node.ts';
import { parseChapterFixture, pasteChapterCode } from './chapter-paste.ts';
import { readmeProblems } from './readme-review.ts';

const catalog = readLabs();
const only = process.env.LAB;
const labs = only ? catalog.labs.filter((lab) => lab.id === only) : catalog.labs;

/** One line per step, for assertion messages. */
const summary = (report: CheckReport) =>
  [report.error ?? '', ...report.steps.map((s) => `${s.status} ${s.id}: ${s.happened ?? s.reason ?? ''}`)].join('\n');

test('labs/ has labs, each in its own numbered folder', () => {
  assert.ok(labs.length > 0, only ? `no lab ${only} in labs/` : 'no lab in labs/');
  assert.deepEqual(catalog.labs.map((lab) => lab.number), [...catalog.labs.map((lab) => lab.number)].sort((a, b) => a - b));
});

for (const lab of labs) {
  describe(`lab ${lab.id}`, () => {
    test('README.md: a mermaid diagram, and every file, TODO, string and name it shows in `code` exists', () => {
      assert.match(lab.readme, /^```mermaid$/m, 'the README has no ```mermaid diagram');
      assert.deepEqual(readmeProblems(lab), []);
    });

    test('the solution passes every step', async () => {
      const report = await runLabCheck(lab, lab.solution);
      assert.ok(report.ok, summary(report));
      assert.ok(report.steps.length > 0 && report.steps.every((s) => s.status === 'passed'), summary(report));
    });

    test('the untouched starter fails, and every failed step says what to fix', async () => {
      const report = await runLabCheck(lab, lab.starter);
      assert.equal(report.error, undefined, summary(report));
      const failed = report.steps.filter((s) => s.status === 'failed');
      assert.ok(failed.length > 0, `the starter passes: ${summary(report)}`);
      for (const step of failed) {
        assert.ok(step.hint.trim() !== '', `${step.id} has no hint`);
        assert.ok(step.happened, `${step.id} does not say what happened`);
      }
    });

    test('the starter with the chapter\'s code pasted into its TODOs passes (but for the steps chapter.json says it fails)', async (t) => {
      const path = join(LABS_DIR, lab.id, 'chapter.json');
      assert.ok(existsSync(path), `labs/${lab.id} has no chapter.json: say which chapter code goes into which TODO (labs/README.md)`);
      const fixture = parseChapterFixture(readFileSync(path, 'utf8'), `labs/${lab.id}/chapter.json`);
      if (fixture.noChapterCode) {
        t.skip(`no chapter code: ${fixture.noChapterCode}`);
        return;
      }
      const report = await runLabCheck(lab, pasteChapterCode(lab.starter, fixture));
      assert.equal(report.error, undefined, summary(report));
      const unknown = Object.keys(fixture.fails).filter((id) => !report.steps.some((s) => s.id === id));
      assert.deepEqual(unknown, [], 'chapter.json "fails" names steps the check does not have');
      for (const step of report.steps) {
        const expected = step.id in fixture.fails ? 'failed' : 'passed';
        assert.equal(step.status, expected, `${step.id}: ${step.happened ?? step.reason ?? ''}`);
      }
    });
  });
}

// ---- the check host's own edges, on a small lab made here ----

const WORKER = `import asyncio
from temporalio.client import Client
from temporalio.worker import Worker
from workflows import Hello


async def main():
    client = await Client.connect("localhost:7233")
    await Worker(client, task_queue="q", workflows=[Hello]).run()


if __name__ == "__main__":
    asyncio.run(main())
`;
const WORKFLOWS = `from temporalio import workflow


@workflow.defn
class Hello:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}"
`;

function testLab(check: string): Lab {
  return {
    id: '99-host-edges', number: 99, title: 'host edges', summary: 'x', minutes: 1, files: ['workflows.py', 'worker.py'],
    worker: 'worker.py', readme: '', starter: {}, solution: {}, check,
  };
}

const checkOf = (steps: string) => `import asyncio
from durable_lab.checks import Check, expect_equal

check = Check("host edges", step_timeout=2)
${steps}
if __name__ == "__main__":
    check.run()
`;

const RUNS_HELLO = `
@check.step("worker.py runs Hello", hint="fix worker.py")
async def worker_runs(lab):
    await lab.start_worker(task_queue="q", workflows=["Hello"])


@check.step("Hello greets", hint="return a greeting", needs=[worker_runs])
async def greets(lab):
    handle = await lab.start_workflow("Hello", "Ada")
    expect_equal(await lab.result(handle), "Hello, Ada", "the result")
`;

describe('the check host', () => {
  test('a syntax error in workflows.py: the worker step fails naming the file and line, the next step is skipped', async () => {
    const report = await runLabCheck(testLab(checkOf(RUNS_HELLO)), { 'worker.py': WORKER, 'workflows.py': 'def broken(:\n' });
    const [worker, greets] = report.steps;
    assert.equal(worker!.status, 'failed');
    assert.match(worker!.happened!, /^running worker\.py failed: SyntaxError: .* \(workflows\.py, line 1\)$/);
    assert.equal(worker!.hint, 'fix worker.py');
    assert.equal(greets!.status, 'skipped');
    assert.match(greets!.reason!, /needs “worker\.py runs Hello”/);
  });

  test('a workflow whose code raises: the step says the workflow task failed, with the exception', async () => {
    const raising = WORKFLOWS.replace('return f"Hello, {name}"', 'return 1 / 0');
    const report = await runLabCheck(testLab(checkOf(RUNS_HELLO)), { 'worker.py': WORKER, 'workflows.py': raising });
    const greets = report.steps[1]!;
    assert.equal(greets.status, 'failed');
    assert.match(greets.happened!, /^the workflow could not run: its workflow task failed with .*division by zero/);
  });

  test('a missing registration: the worker step names what is registered', async () => {
    const check = checkOf(`
@check.step("worker.py runs Hello and greet", hint="register greet")
async def worker_runs(lab):
    await lab.start_worker(task_queue="q", workflows=["Hello"], activities=["greet"])
`);
    const report = await runLabCheck(testLab(check), { 'worker.py': WORKER, 'workflows.py': WORKFLOWS });
    assert.equal(report.steps[0]!.happened, "worker.py's Worker does not register the activity greet (it registers: none)");
  });

  test('a step that hangs fails at its time limit, and the check goes on', async () => {
    const check = checkOf(`
@check.step("hangs", hint="do not hang")
async def hangs(lab):
    await asyncio.sleep(3600)


@check.step("after", hint="-")
async def after(lab):
    pass
`);
    const report = await runLabCheck(testLab(check), { 'worker.py': WORKER, 'workflows.py': WORKFLOWS });
    assert.deepEqual(report.steps.map((s) => s.status), ['failed', 'passed']);
    assert.equal(report.steps[0]!.happened, 'the step did not finish within 2 s');
  });

  test('a check that does not end is stopped at the host\'s time limit: its running step fails', async () => {
    const check = checkOf(`
@check.step("hangs", hint="do not hang", timeout=3600)
async def hangs(lab):
    await asyncio.sleep(3600)
`);
    const report = await runLabCheck(testLab(check), { 'worker.py': WORKER, 'workflows.py': WORKFLOWS }, { timeoutMs: 8_000 });
    assert.equal(report.ok, false);
    assert.match(report.error!, /did not finish within 8 s/);
    assert.equal(report.steps[0]!.status, 'failed');
    assert.match(report.steps[0]!.happened!, /^the check stopped here: /);
  });

  test('check.py in the attendee\'s files is refused before anything runs', async () => {
    await assert.rejects(runLabCheck(testLab(checkOf('')), { 'check.py': '' }), /rename your own check\.py/);
  });
});
