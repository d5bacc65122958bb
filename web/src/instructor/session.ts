// One presentation of a demo: the step the presenter is on, the steps whose
// effect the page has shown, and the time since the demo started. The panel
// (web/src/ui/instructor/demo-view.ts) renders it; nothing here touches the
// DOM, so the tests drive it against a fake stage.
import type { WorkflowRef } from '../mcp/tool-result.ts';
import type { Demo, DemoRun, DemoStage } from './demos.ts';

export interface StepProgress {
  /** The page has shown the step's effect (its probe passed). */
  done: boolean;
  /** Its action is running. */
  acting: boolean;
  /** Why its action failed, in words for the presenter. */
  error: string | null;
}

const sameRun = (a: WorkflowRef, b: WorkflowRef | null) => b !== null && a.workflowId === b.workflowId && a.runId === b.runId;

export class DemoSession {
  readonly progress: StepProgress[];
  /** The step the presenter is on. */
  current = 0;
  readonly #run: DemoRun;
  readonly #now: () => number;
  readonly #startedAt: number;
  #finishedAt: number | null = null;
  #checking: Promise<void> | null = null;
  readonly #listeners = new Set<() => void>();

  private constructor(readonly demo: Demo, run: DemoRun, now: () => number) {
    this.progress = demo.steps.map(() => ({ done: false, acting: false, error: null }));
    this.#run = run;
    this.#now = now;
    this.#startedAt = now();
  }

  /**
   * Starts a presentation. What the assistant did before it (an earlier
   * rehearsal, say) does not count: its steps look only at later tool calls
   * and at an invoice started after this moment.
   */
  static async start(demo: Demo, stage: DemoStage, now: () => number = Date.now): Promise<DemoSession> {
    const [callsBefore, invoiceBefore] = await Promise.all([stage.assistantCalls(), stage.assistantInvoice()]);
    const lastCallBefore = callsBefore.at(-1)?.id ?? 0;
    const run: DemoRun = {
      stage,
      calls: async () => (await stage.assistantCalls()).filter((call) => call.id > lastCallBefore),
      invoice: async () => {
        const ref = await stage.assistantInvoice();
        return ref && !sameRun(ref, invoiceBefore) ? ref : null;
      },
    };
    return new DemoSession(demo, run, now);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every step with a probe has been seen done. */
  get finished(): boolean {
    return this.demo.steps.every((step, index) => !step.doneWhen || this.progress[index]!.done);
  }

  /** Real time since the start, stopped when the demo finished. */
  elapsedMs(): number {
    return (this.#finishedAt ?? this.#now()) - this.#startedAt;
  }

  select(index: number): void {
    const clamped = Math.max(0, Math.min(index, this.demo.steps.length - 1));
    if (clamped === this.current) return;
    this.current = clamped;
    this.#emit();
  }

  next(): void {
    this.select(this.current + 1);
  }

  previous(): void {
    this.select(this.current - 1);
  }

  /** Runs the step's action, then looks for its effect at once, so a quick presenter does not outrun the tick. */
  async perform(index = this.current): Promise<void> {
    const action = this.demo.steps[index]?.action;
    const progress = this.progress[index];
    if (!action || !progress || progress.acting) return;
    progress.acting = true;
    progress.error = null;
    this.#emit();
    try {
      await action.run(this.#run);
    } catch (error) {
      progress.error = error instanceof Error ? error.message : String(error);
    } finally {
      progress.acting = false;
      this.#emit();
    }
    await this.check();
  }

  /** Runs the probes of the steps up to the current one that are not done yet; one check at a time. */
  check(): Promise<void> {
    this.#checking ??= this.#checkSteps().finally(() => { this.#checking = null; });
    return this.#checking;
  }

  /** Checks now and then every `intervalMs` until the demo is finished or the returned function is called. */
  watch(intervalMs: number): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await this.check();
      if (!stopped && !this.finished) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  async #checkSteps(): Promise<void> {
    for (let index = 0; index <= this.current; index++) {
      const step = this.demo.steps[index]!;
      const progress = this.progress[index]!;
      if (!step.doneWhen || progress.done) continue;
      let seen = false;
      try {
        seen = await step.doneWhen.probe(this.#run);
      } catch {
        // Not seen yet: between two states (a process restarting, a query waiting for its worker) a read may fail.
      }
      // A step ticks only after the steps before it: its effect builds on theirs (a restart counts after the kill was seen).
      if (!seen) return;
      progress.done = true;
      if (this.finished) this.#finishedAt = this.#now();
      this.#emit();
    }
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
