// Lab progress (web/src/labs/progress.ts) from real check reports (the
// CheckRecorder folding a check process's events): what a check run records,
// when a lab counts as done, and the status line of the list of labs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckRecorder, type CheckReport } from '../../web/src/labs/check-run.ts';
import { describeLabStatus, labStatus, progressAfterCheck } from '../../web/src/labs/progress.ts';

type Verdict = 'passed' | 'failed' | 'skipped';

/** The report of a check whose steps ended as given (in order); `exitEarly` ends the process before its summary. */
function report(verdicts: Record<string, Verdict>, exitEarly = false): CheckReport {
  const recorder = new CheckRecorder();
  const ids = Object.keys(verdicts);
  recorder.accept({ type: 'check', event: { kind: 'plan', title: 'Lab 01', steps: ids.map((id) => ({ id, title: id, hint: `fix ${id}` })) } });
  for (const id of ids) {
    recorder.accept({ type: 'check', event: { kind: 'step-started', id } });
    recorder.accept({ type: 'check', event: { kind: 'step-result', result: { id, title: id, status: verdicts[id]! } } });
  }
  const failed = Object.values(verdicts).filter((v) => v === 'failed').length;
  if (!exitEarly) recorder.accept({ type: 'check', event: { kind: 'summary', passed: ids.length - failed, failed, skipped: 0 } });
  return recorder.report({ code: exitEarly ? 137 : failed ? 1 : 0, reason: exitEarly ? 'stopped' : 'completed' });
}

const T0 = 1_700_000_000_000;

test('a check records which steps passed; all passing completes the lab', () => {
  const partial = progressAfterCheck(undefined, report({ worker: 'passed', timer: 'failed', retry: 'skipped' }), false, T0);
  assert.deepEqual(partial, { steps: ['worker', 'timer', 'retry'], passed: ['worker'], checkedAt: T0 });
  const all = progressAfterCheck(partial, report({ worker: 'passed', timer: 'passed', retry: 'passed' }), false, T0 + 1);
  assert.deepEqual(all, { steps: ['worker', 'timer', 'retry'], passed: ['worker', 'timer', 'retry'], checkedAt: T0 + 1, completedAt: T0 + 1 });
});

test('done stays done when a later check fails; the steps show the latest check', () => {
  const done = progressAfterCheck(undefined, report({ worker: 'passed', timer: 'passed' }), false, T0);
  const later = progressAfterCheck(done, report({ worker: 'passed', timer: 'failed' }), false, T0 + 5);
  assert.deepEqual(later, { steps: ['worker', 'timer'], passed: ['worker'], checkedAt: T0 + 5, completedAt: T0 });
  assert.deepEqual(labStatus(later, true), { kind: 'done' });
});

test('a check the attendee stopped, or one that never listed its steps, changes nothing', () => {
  const before = progressAfterCheck(undefined, report({ worker: 'passed', timer: 'failed' }), false, T0);
  assert.equal(progressAfterCheck(before, report({ worker: 'passed', timer: 'passed' }, true), true, T0 + 1), before);
  const unplanned = new CheckRecorder().report({ code: 1, reason: 'error', error: { type: 'SyntaxError', message: 'bad' } });
  assert.equal(progressAfterCheck(before, unplanned, false, T0 + 2), before);
  assert.equal(progressAfterCheck(undefined, unplanned, false, T0 + 2), undefined);
});

test('a check that ended early counts its unfinished steps as not passed', () => {
  const progress = progressAfterCheck(undefined, report({ worker: 'passed', timer: 'passed' }, true), false, T0);
  assert.equal(progress?.completedAt, undefined, 'no summary: not complete, even if every step it ran passed');
});

test('the list\u2019s status: not started, in progress, checks passed N of M, done', () => {
  const checked = { steps: ['a', 'b', 'c'], passed: ['a'], checkedAt: T0 };
  const cases: Array<[Parameters<typeof labStatus>, string]> = [
    [[undefined, false], 'not started'],
    [[undefined, true], 'in progress'],
    [[checked, true], 'checks passed 1 of 3'],
    [[checked, false], 'checks passed 1 of 3'],
    [[{ ...checked, passed: ['a', 'b', 'c'], completedAt: T0 }, false], 'done'],
  ];
  for (const [args, text] of cases) assert.equal(describeLabStatus(labStatus(...args)), text);
});
