// The open lab's instructor notes (labs/NN-slug/instructor.md, shipped as the
// lab's `instructor` field) in the instructor panel, while a lab page is the
// current route. Markdown goes through the lab README's renderer: raw HTML
// off, then DOMPurify's allow-list, inserted as nodes.
import { findLab } from '../../labs/lab-source.ts';
import { labNumber } from '../../labs/workspace.ts';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { createMarkdownRenderer, type MarkdownRenderer } from '../labs/markdown.ts';
import { parseRoute } from '../router.ts';
import type { InstructorDeps } from './deps.ts';

let renderer: MarkdownRenderer | undefined;

export function mountLabNotes(root: HTMLElement, deps: Pick<InstructorDeps, 'labs'>): Disposable {
  const title = h('h3', { id: 'instructor-notes-title' });
  const body = h('div', { class: 'instructor-notes-body' });
  root.classList.add('instructor-notes');
  root.setAttribute('aria-labelledby', title.id);
  root.append(title, body);
  // Each route change starts a load; only the latest one may draw.
  let latest = 0;

  const show = async () => {
    const load = ++latest;
    const route = parseRoute(location.hash);
    root.hidden = route?.name !== 'lab';
    if (route?.name !== 'lab') return;
    title.textContent = 'Lab notes';
    body.replaceChildren(h('p', { class: 'instructor-muted' }, 'Loading…'));
    try {
      const summary = findLab(await deps.labs.index(), route.ref);
      if (!summary) throw new Error(`there is no lab ${route.ref}`);
      const lab = await deps.labs.lab(summary.id);
      if (load !== latest) return;
      title.textContent = `Notes for lab ${labNumber(lab.number)}: ${lab.title}`;
      if (lab.instructor === undefined) {
        body.replaceChildren(h('p', { class: 'instructor-muted' }, `This lab has no notes: add labs/${lab.id}/instructor.md.`));
        return;
      }
      renderer ??= createMarkdownRenderer(window);
      body.replaceChildren(renderer.renderFragment(lab.instructor));
    } catch (error) {
      if (load === latest) body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The notes could not be loaded: ${errorMessage(error)}`));
    }
  };
  const onHash = () => void show();
  window.addEventListener('hashchange', onHash);
  onHash();
  return { dispose: () => window.removeEventListener('hashchange', onHash) };
}
