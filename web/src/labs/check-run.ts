// A lab check as a process run: the files and script the check process gets,
// what its events add up to, and its time limit. Environment-neutral: node.ts
// runs it in Node; the lab page runs the same in a Python process Web Worker
// started with `privateServer` (processes/controller.ts), feeding the
// worker's events to a CheckRecorder.
import type { CheckStepResult, ExitInfo, ProcessEvent } from '../processes/protocol.ts';
import type { Lab } from './catalog.ts';

/** The check runs as `python check.py --worker <lab.json "worker">` next to the attendee's files. */
export const CHECK_ENTRY = 'check.py';
/** The whole check's limit, beyond the per-step limits check.py enforces itself (a hung process, a stuck load). */
export const CHECK_TIME_LIMIT_MS = 180_000;

export interface CheckProcessStart {
  files: Record<string, string>;
  entry: string;
  argv: string[];
}

/** What the check process runs: the attendee's `files` plus the lab's check.py. */
export function checkProcessStart(lab: Pick<Lab, 'check' | 'worker'>, files: Record<string, string>): CheckProcessStart {
  if (CHECK_ENTRY in files) {
    throw new Error(`${CHECK_ENTRY} is the name of the lab's check: rename your own ${CHECK_ENTRY} so the check can run`);
  }
  return { files: { ...files, [CHECK_ENTRY]: lab.check }, entry: CHECK_ENTRY, argv: ['--worker', lab.worker] };
}

export interface CheckStepReport extends Omit<CheckStepResult, 'status'> {
  status: CheckStepResult['status'] | 'pending' | 'running';
  /** The step's hint, known from the plan before the step runs. */
  hint: string;
}

export interface CheckReport {
  /** The check's title (null if check.py never got to plan its steps). */
  title: string | null;
  steps: CheckStepReport[];
  passed: number;
  failed: number;
  skipped: number;
  /** Every step ran to its verdict and none failed. */
  ok: boolean;
  /** Why the check did not run to its end: check.py failed, the process died, or the time limit. */
  error?: string;
  exit: ExitInfo | null;
}

/** Collects a check process's events into a CheckReport. */
export class CheckRecorder {
  #title: string | null = null;
  #steps: CheckStepReport[] = [];
  #finished = false;

  accept(event: ProcessEvent): void {
    if (event.type !== 'check') return;
    const e = event.event;
    switch (e.kind) {
      case 'plan':
        this.#title = e.title;
        this.#steps = e.steps.map((step) => ({ ...step, status: 'pending' }));
        break;
      case 'step-started':
        this.#update(e.id, { status: 'running' });
        break;
      case 'step-result':
        this.#update(e.result.id, e.result);
        break;
      case 'summary':
        this.#finished = true;
        break;
    }
  }

  /**
   * The report so far; with `exit`, the final one. A check that ended before
   * its summary gets an `error`, its running step fails with it, and the
   * steps it never reached count as skipped.
   */
  report(exit: ExitInfo | null = null, stoppedBecause?: string): CheckReport {
    let steps = this.#steps.map((step) => ({ ...step }));
    let error: string | undefined;
    if (exit && !this.#finished) {
      error = stoppedBecause ?? describeEarlyExit(exit, this.#title !== null);
      steps = steps.map((step) =>
        step.status === 'running' ? { ...step, status: 'failed', happened: `the check stopped here: ${error}` }
        : step.status === 'pending' ? { ...step, status: 'skipped', reason: 'the check stopped before this step' }
        : step);
    }
    const count = (status: CheckStepReport['status']) => steps.filter((step) => step.status === status).length;
    const failed = count('failed');
    return {
      title: this.#title, steps, passed: count('passed'), failed, skipped: count('skipped'),
      ok: this.#finished && failed === 0 && error === undefined, ...(error === undefined ? {} : { error }), exit,
    };
  }

  #update(id: string, change: Partial<CheckStepReport>): void {
    this.#steps = this.#steps.map((step) => (step.id === id ? { ...step, ...change } : step));
  }
}

function describeEarlyExit(exit: ExitInfo, planned: boolean): string {
  if (exit.error) return `${exit.error.type}: ${exit.error.message}`;
  if (exit.reason === 'stopped') return 'the check was stopped';
  return planned
    ? `the check process ended (exit code ${exit.code}) before its last step`
    : `${CHECK_ENTRY} ended (exit code ${exit.code}) without running its steps: it must end with check.run()`;
}

/** A started check process: how it ends, and how to stop it. */
export interface CheckProcess {
  exited: Promise<ExitInfo>;
  stop(): Promise<ExitInfo>;
}

/** Waits for the check to end, stopping it after `timeoutMs`; the final report. */
export async function superviseCheck(process: CheckProcess, recorder: CheckRecorder, timeoutMs = CHECK_TIME_LIMIT_MS): Promise<CheckReport> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const limit = new Promise<ExitInfo>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(process.stop());
    }, timeoutMs);
  });
  const exit = await Promise.race([process.exited, limit]);
  clearTimeout(timer);
  return recorder.report(exit, timedOut ? `the check did not finish within ${timeoutMs / 1000} s and was stopped` : undefined);
}
