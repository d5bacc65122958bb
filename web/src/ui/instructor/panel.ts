// The instructor panel: the processes at a glance, the open lab's notes, and
// the chapter's demos. index.ts docks it beside the page; this module (and
// with it the demos and the Markdown renderer) loads when instructor mode is
// first turned on.
import type { Disposable } from '../deps.ts';
import { h } from '../dom.ts';
import { createDemoStage } from './demo-stage.ts';
import { mountDemoView } from './demo-view.ts';
import type { InstructorDeps } from './deps.ts';
import { mountLabNotes } from './lab-notes.ts';
import { mountProcessStrip } from './process-strip.ts';

export interface InstructorPanel extends Disposable {
  /** Moves the keyboard focus to the panel's heading. */
  focus(): void;
}

export function mountInstructorPanel(root: HTMLElement, deps: InstructorDeps, hide: () => void): InstructorPanel {
  const heading = h('h2', { id: 'instructor-panel-title', tabindex: -1 }, 'Instructor');
  const strip = h('div', { class: 'instructor-strip' });
  const notes = h('section');
  const demos = h('section');
  root.replaceChildren(
    h('div', { class: 'instructor-panel-head' },
      heading,
      h('button', { type: 'button', class: 'small', 'aria-label': 'Hide the instructor panel', onclick: hide }, 'Hide')),
    strip, notes, demos,
  );
  const parts = [mountProcessStrip(strip, deps), mountLabNotes(notes, deps), mountDemoView(demos, createDemoStage(deps))];
  // On a narrow screen the panel covers the page, so Escape puts it away (as a drawer's does).
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !(event.target instanceof HTMLSelectElement)) hide();
  };
  root.addEventListener('keydown', onKey);
  return {
    focus: () => heading.focus(),
    dispose() {
      for (const part of parts) part.dispose();
      root.removeEventListener('keydown', onKey);
      root.replaceChildren();
    },
  };
}
