// The notice shown while the attendee's edits cannot be stored (no IndexedDB,
// private mode, storage full): the text stays in the editor and in memory,
// but a closed tab loses it, and the attendee should know before that.
import type { DraftsStore } from '../../labs/drafts-store.ts';
import { h } from '../dom.ts';

export function mountDraftsNotice(drafts: DraftsStore): { element: HTMLElement; dispose(): void } {
  const element = h('p', { class: 'lab-drafts-notice', role: 'alert', hidden: true });
  const render = () => {
    const durability = drafts.durability;
    element.hidden = durability.kind !== 'memory';
    element.textContent = durability.kind === 'memory'
      ? `Your edits and progress are kept in this tab only (${durability.reason}). ` +
        'They are lost when the tab closes: copy any code you want to keep.'
      : '';
  };
  render();
  return { element, dispose: drafts.onChange(render) };
}
