// "Show solution": per file, a unified diff from the attendee's text to the
// solution's (@codemirror/merge), read-only, with a tab per file marked when
// the two differ, and "Use the solution's <file>" for the page to confirm and apply.
import { unifiedMergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { h } from '../dom.ts';
import { pythonCode } from './code-theme.ts';
import { mountTabs } from './tabs.ts';

export interface SolutionDiffOptions {
  /** The files, in tab order. */
  files: string[];
  selected: string;
  yours(file: string): string;
  solution(file: string): string;
  onUseSolution(file: string): void;
}

export interface SolutionDiff {
  element: HTMLElement;
  /** Draws the diff again, after the attendee's files changed. */
  refresh(): void;
  dispose(): void;
}

let diffs = 0;

export function mountSolutionDiff(options: SolutionDiffOptions): SolutionDiff {
  const panelId = `lab-solution-${++diffs}`;
  const caption = h('p', { class: 'lab-diff-caption' });
  const use = h('button', { type: 'button', class: 'small' });
  const host = h('div', { class: 'lab-diff-host' });
  const panel = h('div', { class: 'lab-diff-panel', id: panelId, role: 'tabpanel' },
    h('div', { class: 'lab-diff-bar' }, caption, use), host);
  let view: EditorView | null = null;

  const tabs = mountTabs({
    label: 'Solution files', controls: panelId, selected: options.selected,
    tabs: options.files.map((file) => ({ id: file, title: file })),
    onSelect: () => draw(),
  });
  use.addEventListener('click', () => options.onUseSolution(tabs.selected));

  const draw = () => {
    for (const file of options.files) tabs.mark(file, options.yours(file) === options.solution(file) ? null : 'differs');
    const file = tabs.selected;
    const yours = options.yours(file);
    const solution = options.solution(file);
    view?.destroy();
    view = null;
    use.textContent = `Use the solution\u2019s ${file}`;
    use.disabled = yours === solution;
    panel.setAttribute('aria-label', `${file}: your code against the solution`);
    if (yours === solution) {
      caption.textContent = `Your ${file} is the same as the solution\u2019s.`;
      host.replaceChildren();
      return;
    }
    caption.textContent = `What changes from your ${file} (struck out, red) to the solution\u2019s (green).`;
    view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: solution,
        extensions: [
          lineNumbers(),
          pythonCode(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          unifiedMergeView({ original: yours, mergeControls: false, gutter: true, highlightChanges: true }),
        ],
      }),
    });
  };
  draw();

  return {
    element: h('div', { class: 'lab-solution' }, tabs.element, panel),
    refresh: draw,
    dispose() {
      view?.destroy();
    },
  };
}
