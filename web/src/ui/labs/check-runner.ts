// One run of a lab's check in the browser: check.py next to the attendee's
// files, in a Python process Web Worker of its own with a private in-memory
// server (privateServer), so it starts from an empty engine and never touches
// the workflows the attendee's worker runs. Its events fold into a live
// CheckReport (labs/check-run.ts); Stop ends it; at the end the lab's
// progress is recorded, whether or not the page is still showing it.
import type { Lab } from '../../labs/catalog.ts';
import { checkProcessStart, CheckRecorder, superviseCheck, type CheckReport } from '../../labs/check-run.ts';
import type { DraftsStore } from '../../labs/drafts-store.ts';
import { progressAfterCheck } from '../../labs/progress.ts';
import { PythonWorkerProcess } from '../../processes/controller.ts';
import type { ProcessEvent, PythonStage } from '../../processes/protocol.ts';
import type { ConsoleLine } from '../python-supervisor.ts';

export class CheckRun {
  report: CheckReport;
  /** Loading the check's Python process, until check.py lists its steps. */
  loading: { stage: PythonStage; fraction: number } | null = { stage: 'runtime', fraction: 0 };
  finished = false;
  stoppedByAttendee = false;
  /** What the check process printed and logged (the attendee's worker's output included). */
  readonly output: ConsoleLine[] = [];
  readonly done: Promise<CheckReport>;
  readonly #process: PythonWorkerProcess;
  readonly #listeners = new Set<() => void>();

  /** Starts the check; throws if the files cannot be checked (one of them is named check.py). */
  constructor(lab: Lab, files: Record<string, string>, baseUrl: string, drafts: DraftsStore) {
    const recorder = new CheckRecorder();
    this.report = recorder.report();
    this.#process = new PythonWorkerProcess({
      ...checkProcessStart(lab, files),
      privateServer: true,
      baseUrl,
      onEvent: (event) => {
        recorder.accept(event);
        this.#follow(event);
        this.report = recorder.report();
        this.#emit();
      },
    });
    this.done = superviseCheck(this.#process, recorder).then(async (report) => {
      this.report = report;
      this.finished = true;
      this.loading = null;
      this.#emit();
      const progress = progressAfterCheck(drafts.progress(lab.id), report, this.stoppedByAttendee, Date.now());
      if (progress) await drafts.saveProgress(lab.id, progress);
      return report;
    });
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the check (the step it was in fails as stopped; the rest are skipped). */
  stop(): void {
    if (this.finished) return;
    this.stoppedByAttendee = true;
    void this.#process.stop();
  }

  #follow(event: ProcessEvent): void {
    if (event.type === 'progress') this.loading = event.stage === 'ready' ? null : { stage: event.stage, fraction: event.fraction };
    else if (event.type === 'check') this.loading = null;
    else if (event.type === 'output') for (const text of event.text.replace(/\n$/, '').split('\n')) this.output.push({ stream: event.stream, text });
    else if (event.type === 'log') this.output.push({ stream: 'log', text: `${event.level} ${event.logger}: ${event.message}` });
    else if (event.type === 'exit' && event.exit.error?.traceback) this.output.push({ stream: 'stderr', text: event.exit.error.traceback });
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
