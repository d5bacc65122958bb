// Instructor mode, for whoever presents the workshop: a header switch,
// remembered in localStorage so a reload during the talk keeps it. On, the
// type grows for the back of the room (a class on <html>, so every view
// follows) and the instructor panel opens beside the page, with the chapter's
// two demos as click-through steps and the open lab's notes. The panel's code
// loads the first time the mode is turned on.
import './instructor.css';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import type { InstructorDeps } from './deps.ts';
import type { InstructorPanel } from './panel.ts';

const MODE_KEY = 'durable-lab:instructor-mode';
/** On <html> while instructor mode is on: the larger type. */
const INSTRUCTOR_MODE_CLASS = 'instructor-mode';
/** On <html> while the panel is open: on a wide screen the page makes room for it. */
const PANEL_OPEN_CLASS = 'instructor-panel-open';
const PANEL_ID = 'instructor-panel';

function rememberedOn(): boolean {
  try { return localStorage.getItem(MODE_KEY) === 'on'; } catch { return false; }
}

function remember(on: boolean): void {
  try { localStorage.setItem(MODE_KEY, on ? 'on' : 'off'); } catch { /* storage unavailable: the mode lasts until reload */ }
}

/** Puts the switch (and the button that shows or hides the panel) into `slot`, a place in the header. */
export function mountInstructorMode(slot: HTMLElement, deps: InstructorDeps): Disposable {
  const html = document.documentElement;
  const toggle = h('button', { type: 'button', class: 'small instructor-toggle', 'aria-pressed': 'false' }, 'Instructor mode');
  const panelButton = h('button', { type: 'button', class: 'small', 'aria-controls': PANEL_ID, 'aria-expanded': 'false', hidden: true }, 'Instructor panel');
  // Outside the app's centred column, so on a wide screen it docks at the window's edge beside the content.
  const aside = h('aside', { id: PANEL_ID, class: 'instructor-panel', 'aria-labelledby': 'instructor-panel-title', hidden: true });
  slot.classList.add('instructor-controls');
  slot.append(toggle, panelButton);
  document.body.append(aside);

  let panel: Promise<InstructorPanel> | null = null;
  const loadPanel = (): Promise<InstructorPanel> => {
    panel ??= import('./panel.ts').then(({ mountInstructorPanel }) => mountInstructorPanel(aside, deps, () => setPanelOpen(false, true)));
    panel.catch((error) => {
      panel = null; // the next opening tries again
      aside.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The instructor panel failed to load: ${errorMessage(error)}`));
    });
    return panel;
  };

  function setPanelOpen(open: boolean, moveFocus = false): void {
    aside.hidden = !open;
    html.classList.toggle(PANEL_OPEN_CLASS, open);
    panelButton.setAttribute('aria-expanded', String(open));
    if (open) void loadPanel().then((loaded) => { if (moveFocus) loaded.focus(); }, () => {});
    else if (moveFocus) panelButton.focus();
  }

  const setMode = (on: boolean) => {
    html.classList.toggle(INSTRUCTOR_MODE_CLASS, on);
    toggle.setAttribute('aria-pressed', String(on));
    panelButton.hidden = !on;
    setPanelOpen(on);
    if (!on) {
      // Off ends the demo in progress: its checks stop reading the page.
      void panel?.then((loaded) => loaded.dispose(), () => {});
      panel = null;
    }
  };

  toggle.addEventListener('click', () => {
    const on = !html.classList.contains(INSTRUCTOR_MODE_CLASS);
    remember(on);
    setMode(on);
  });
  panelButton.addEventListener('click', () => setPanelOpen(aside.hidden, true));
  setMode(rememberedOn());

  return {
    dispose() {
      setMode(false);
      aside.remove();
      slot.replaceChildren();
    },
  };
}
