// An attendee's progress through one lab, from their edits and check runs,
// and the one-line status the list of labs shows. Pure: the drafts store
// keeps the records, the check panel feeds it reports.
import type { CheckReport } from './check-run.ts';

/** What the last check of a lab found; kept per lab until the lab is reset. */
export interface LabProgress {
  /** Every step of the last check that ran its steps, in order (their ids in check.py). */
  steps: string[];
  /** The steps of that check that passed. */
  passed: string[];
  /** When that check ended (ms since the epoch). */
  checkedAt: number;
  /**
   * When a check first passed every step. Kept when a later check fails, so
   * trying something after finishing does not take the lab back from "done".
   */
  completedAt?: number;
}

export type LabStatus =
  | { kind: 'not-started' }
  | { kind: 'in-progress' }
  | { kind: 'checked'; passed: number; total: number }
  | { kind: 'done' };

/**
 * The progress after a check ended, or `previous` when the check tells
 * nothing about the attendee's code: the attendee stopped it, or check.py
 * never got to list its steps.
 */
export function progressAfterCheck(previous: LabProgress | undefined, report: CheckReport, stoppedByAttendee: boolean, now: number): LabProgress | undefined {
  if (stoppedByAttendee || report.steps.length === 0) return previous;
  const passed = report.steps.filter((step) => step.status === 'passed').map((step) => step.id);
  const completedAt = previous?.completedAt ?? (report.ok && passed.length === report.steps.length ? now : undefined);
  return { steps: report.steps.map((step) => step.id), passed, checkedAt: now, ...(completedAt === undefined ? {} : { completedAt }) };
}

/** Where the attendee stands: `edited` says whether any of their files differs from the starter. */
export function labStatus(progress: LabProgress | undefined, edited: boolean): LabStatus {
  if (progress?.completedAt !== undefined) return { kind: 'done' };
  if (progress) return { kind: 'checked', passed: progress.passed.length, total: progress.steps.length };
  return edited ? { kind: 'in-progress' } : { kind: 'not-started' };
}

export function describeLabStatus(status: LabStatus): string {
  switch (status.kind) {
    case 'not-started': return 'not started';
    case 'in-progress': return 'in progress';
    case 'checked': return `checks passed ${status.passed} of ${status.total}`;
    case 'done': return 'done';
  }
}
