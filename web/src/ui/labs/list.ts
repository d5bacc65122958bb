// The list of labs (#/labs): number, title, summary, minutes, and where the
// attendee stands in each (not started, in progress, checks passed N of M,
// done), kept up to date as the drafts store changes.
import './labs.css';
import type { LabSummary } from '../../labs/catalog.ts';
import { describeLabStatus, labStatus, type LabStatus } from '../../labs/progress.ts';
import { labNumber } from '../../labs/workspace.ts';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { labHash } from '../router.ts';
import type { LabsDeps } from './deps.ts';
import { mountDraftsNotice } from './drafts-notice.ts';

export function mountLabList(root: HTMLElement, deps: LabsDeps): Disposable {
  const message = h('p', { class: 'form-message', role: 'status' }, 'Loading the labs\u2026');
  const rows = h('tbody');
  const table = h('table', { class: 'lab-table', hidden: true },
    h('thead', {}, h('tr', {}, ...['Lab', 'What you build', 'Time', 'Progress'].map((title) => h('th', { scope: 'col' }, title)))),
    rows);
  const notices = h('div');
  root.append(h('section', { class: 'panel lab-list', 'aria-labelledby': 'labs-title' },
    h('h2', { id: 'labs-title' }, 'Labs'),
    h('p', { class: 'lab-list-intro' },
      'Each lab is a small project to finish in the editor, with instructions beside it. Run your code on the ' +
      'worker, watch its workflows, and let the lab\u2019s check tell you what works. Your edits are saved in this browser.'),
    notices, message, table));

  let disposed = false;
  const cleanups: Array<() => void> = [];
  Promise.all([deps.source.index(), deps.drafts()]).then(([labs, drafts]) => {
    if (disposed) return;
    if (labs.length === 0) {
      message.textContent = 'No labs are published yet.';
      return;
    }
    message.remove();
    table.hidden = false;
    const notice = mountDraftsNotice(drafts);
    notices.append(notice.element);
    const render = () => {
      const edited = drafts.editedLabs();
      rows.replaceChildren(...labs.map((lab) => labRow(lab, labStatus(drafts.progress(lab.id), edited.has(lab.id)))));
    };
    render();
    cleanups.push(notice.dispose, drafts.onChange(render));
  }, (error) => {
    if (disposed) return;
    message.textContent = `The labs could not be loaded: ${errorMessage(error)}`;
    message.classList.add('error');
    message.setAttribute('role', 'alert');
  });

  return {
    dispose() {
      disposed = true;
      for (const cleanup of cleanups) cleanup();
      root.replaceChildren();
    },
  };
}

function labRow(lab: LabSummary, status: LabStatus): HTMLElement {
  const number = labNumber(lab.number);
  return h('tr', { 'data-lab': lab.id },
    h('td', { class: 'lab-number' }, number),
    h('td', {},
      h('a', { href: labHash(number), class: 'lab-title' }, lab.title),
      h('p', { class: 'lab-summary' }, lab.summary)),
    h('td', { class: 'lab-minutes' }, `${lab.minutes} min`),
    h('td', {}, h('span', { class: `lab-status lab-status-${status.kind}`, 'data-testid': `lab-status-${lab.id}` }, describeLabStatus(status))),
  );
}
