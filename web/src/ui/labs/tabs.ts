// A row of tabs (WAI-ARIA tabs pattern: arrow keys move between them, only
// the selected one is in the tab order). The caller shows the panel; each tab
// can carry a short mark, such as "changed" on a file that differs from the solution.
import { h } from '../dom.ts';

export interface TabsOptions {
  /** The tab list's accessible name. */
  label: string;
  tabs: Array<{ id: string; title: string }>;
  selected: string;
  /** The id of the element the tabs control. */
  controls: string;
  onSelect(id: string): void;
}

export interface Tabs {
  element: HTMLElement;
  readonly selected: string;
  select(id: string): void;
  /** A short mark after the tab's title, or none with null. */
  mark(id: string, text: string | null): void;
}

export function mountTabs(options: TabsOptions): Tabs {
  let selected = options.selected;
  const buttons = new Map<string, HTMLButtonElement>();
  const marks = new Map<string, HTMLElement>();
  for (const tab of options.tabs) {
    const mark = h('span', { class: 'tab-mark', hidden: true });
    const button = h('button', {
      type: 'button', role: 'tab', class: 'tab', 'data-tab': tab.id, 'aria-controls': options.controls,
      onclick: () => select(tab.id),
    }, tab.title, ' ', mark); // the space keeps the mark a word of its own in the tab's accessible name
    buttons.set(tab.id, button);
    marks.set(tab.id, mark);
  }
  const element = h('div', { class: 'tabs', role: 'tablist', 'aria-label': options.label }, ...buttons.values());
  element.addEventListener('keydown', (event) => {
    const ids = options.tabs.map((tab) => tab.id);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = ids[(ids.indexOf(selected) + step + ids.length) % ids.length]!;
    select(next);
    buttons.get(next)!.focus();
  });

  const render = () => {
    for (const [id, button] of buttons) {
      button.setAttribute('aria-selected', String(id === selected));
      button.tabIndex = id === selected ? 0 : -1;
    }
  };
  const select = (id: string) => {
    if (!buttons.has(id)) return;
    selected = id;
    render();
    options.onSelect(id);
  };
  render();

  return {
    element,
    get selected() { return selected; },
    select,
    mark(id, text) {
      const mark = marks.get(id);
      if (!mark) return;
      mark.hidden = text === null;
      mark.textContent = text ?? '';
    },
  };
}
