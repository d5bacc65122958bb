// The chapter's demos in the instructor panel: choose one, Start, then for
// each step the words for the room, "Do it" (the step's action, performed in
// the page), what to click on the page itself, and a tick once the page shows
// the step's effect. The elapsed time keeps the presenter to the chapter's
// two minutes.
import { DEMOS, type Demo, type DemoStage } from '../../instructor/demos.ts';
import { DemoSession } from '../../instructor/session.ts';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';

/** How often the page is looked at for a step's effect. */
const CHECK_MS = 750;

function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function mountDemoView(root: HTMLElement, stage: DemoStage): Disposable {
  const chooser = h('select', { id: 'instructor-demo' },
    ...DEMOS.map((demo) => h('option', { value: demo.id }, `${demo.title} (${demo.steps.length} steps)`)));
  const start = h('button', { type: 'button', class: 'primary small', 'data-focus-key': 'start' }, 'Start');
  const summary = h('p', { class: 'instructor-muted' });
  const elapsed = h('p', { class: 'instructor-elapsed', 'data-testid': 'instructor-elapsed' });
  const steps = h('ol', { class: 'instructor-steps', 'aria-label': 'Steps' });
  const previous = h('button', { type: 'button', class: 'small', 'data-focus-key': 'previous' }, 'Previous step');
  const next = h('button', { type: 'button', class: 'small', 'data-focus-key': 'next' }, 'Next step');
  const stepNav = h('div', { class: 'instructor-step-nav' }, previous, next);
  const announcer = h('p', { class: 'instructor-sr', role: 'status', 'aria-live': 'polite' });
  const failure = h('p', { class: 'error', role: 'alert', hidden: true });
  root.classList.add('instructor-demos');
  root.setAttribute('aria-labelledby', 'instructor-demos-title');
  root.append(
    h('h3', { id: 'instructor-demos-title' }, 'Chapter demos'),
    h('div', { class: 'instructor-chooser' }, h('label', { for: chooser.id }, 'Demo'), chooser, start),
    summary, failure, elapsed, steps, stepNav, announcer,
  );

  let session: DemoSession | null = null;
  let starting = false;
  let stopWatching = () => {};
  let offSession = () => {};
  const chosen = (): Demo => DEMOS.find((demo) => demo.id === chooser.value) ?? DEMOS[0]!;

  const renderStep = (current: DemoSession, index: number): HTMLElement => {
    const step = current.demo.steps[index]!;
    const progress = current.progress[index]!;
    const isCurrent = index === current.current;
    const state = progress.done ? 'done' : isCurrent ? 'current' : 'todo';
    const head = h('button', {
      type: 'button', class: 'instructor-step-head', 'data-focus-key': `step-${index}`,
      'aria-current': isCurrent ? 'step' : null, onclick: () => current.select(index),
    },
    h('span', { class: 'instructor-tick', 'aria-hidden': 'true' }, progress.done ? '\u2713' : String(index + 1)),
    h('span', {}, step.title),
    progress.done ? h('span', { class: 'instructor-sr' }, ' (done)') : null);
    const item = h('li', { class: 'instructor-step', 'data-state': state }, head);
    if (!isCurrent) return item;
    const actionId = `instructor-action-${index}`;
    item.append(h('div', { class: 'instructor-step-body' },
      h('p', { class: 'instructor-say' }, step.say),
      step.action && h('div', { class: 'instructor-action' },
        h('button', {
          // aria-disabled rather than disabled while it acts: a disabled button would drop the keyboard focus.
          type: 'button', class: 'primary', 'data-focus-key': `do-${index}`, 'aria-describedby': actionId,
          'aria-disabled': progress.acting ? 'true' : null, onclick: () => void current.perform(index),
        }, progress.acting ? 'Working\u2026' : 'Do it'),
        h('span', { id: actionId }, step.action.label)),
      step.onThePage && h('p', { class: 'instructor-on-page' }, h('strong', {}, 'On the page: '), step.onThePage),
      step.doneWhen && h('p', { class: 'instructor-done-when', 'data-testid': 'instructor-done-when' },
        h('strong', {}, progress.done ? '\u2713 Seen: ' : 'Waiting for: '), step.doneWhen.description),
      progress.error && h('p', { class: 'error', role: 'alert' }, progress.error),
    ));
    return item;
  };

  const renderElapsed = () => {
    if (!session) return;
    elapsed.textContent = `${session.finished ? 'Done in' : 'Elapsed'} ${formatElapsed(session.elapsedMs())}`;
  };

  const render = () => {
    const demo = session?.demo ?? chosen();
    summary.textContent = demo.summary;
    start.textContent = session ? 'Start over' : 'Start';
    stepNav.hidden = elapsed.hidden = !session;
    if (!session) {
      steps.replaceChildren(...demo.steps.map((step) => h('li', { class: 'instructor-step', 'data-state': 'todo' }, step.title)));
      return;
    }
    // Redrawn whole on each change (a few items): keep the focus on the control that had it.
    const active = document.activeElement;
    const focused = active && root.contains(active) ? active.closest<HTMLElement>('[data-focus-key]')?.dataset.focusKey : undefined;
    const current = session;
    steps.replaceChildren(...current.demo.steps.map((_, index) => renderStep(current, index)));
    previous.disabled = current.current === 0;
    next.disabled = current.current === current.demo.steps.length - 1;
    next.classList.toggle('primary', current.progress[current.current]!.done && !next.disabled);
    renderElapsed();
    if (focused) root.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  };

  const announceTicks = (current: DemoSession) => {
    let seen = current.progress.map((progress) => progress.done);
    return () => {
      current.progress.forEach((progress, index) => {
        if (progress.done && !seen[index]) announcer.textContent = `Step ${index + 1} done: ${current.demo.steps[index]!.doneWhen?.description ?? ''}`;
      });
      seen = current.progress.map((progress) => progress.done);
    };
  };

  /** Keyboard flow: the focus goes to what the presenter presses next on the current step, "Do it" if it has one. */
  const focusCurrentStep = () => {
    if (!session) return;
    const index = session.current;
    const control = root.querySelector<HTMLElement>(`[data-focus-key="do-${index}"]`) ?? root.querySelector<HTMLElement>(`[data-focus-key="step-${index}"]`);
    control?.focus();
  };

  /** Ends the session shown, if any: its probes stop looking at the page. */
  const end = () => {
    stopWatching();
    offSession();
    session = null;
  };

  const begin = async () => {
    if (starting) return;
    starting = true;
    end();
    failure.hidden = true;
    try {
      const current = await DemoSession.start(chosen(), stage);
      session = current;
      const announce = announceTicks(current);
      offSession = current.onChange(() => { announce(); render(); });
      stopWatching = current.watch(CHECK_MS);
    } catch (error) {
      failure.textContent = `The demo could not start: ${errorMessage(error)}`;
      failure.hidden = false;
    } finally {
      starting = false;
      render();
    }
    focusCurrentStep();
  };

  start.addEventListener('click', () => void begin());
  chooser.addEventListener('change', () => {
    end();
    render();
  });
  previous.addEventListener('click', () => { session?.previous(); focusCurrentStep(); });
  next.addEventListener('click', () => { session?.next(); focusCurrentStep(); });
  const clock = setInterval(renderElapsed, 1000);
  render();

  return {
    dispose() {
      end();
      clearInterval(clock);
    },
  };
}
