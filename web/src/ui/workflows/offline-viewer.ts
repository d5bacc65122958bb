// Views an imported history file offline (no server): validated first, then
// the same feed / compact / JSON / diagram views as a live run.
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { eventAttributes } from './history.ts';
import { parseHistoryDocument } from './history-import.ts';
import { createHistoryViews } from './history-views.ts';

export function mountOfflineViewer(root: HTMLElement, fileName: string, text: string, close: () => void): Disposable {
  const back = h('button', { class: 'wf-button', type: 'button', onclick: () => close() }, 'Close imported history');
  const title = h('h2', {}, `Imported history: ${fileName}`);
  const panel = h('section', { class: 'wf-root wf-offline', 'data-offline': 'true' }, h('div', { class: 'wf-toolbar' }, back), title);
  root.replaceChildren(panel);
  let views: ReturnType<typeof createHistoryViews> | undefined;
  try {
    const { events } = parseHistoryDocument(text);
    const started = eventAttributes(events[0]!);
    panel.append(h('p', { class: 'wf-muted' }, `${started.workflowType?.name ?? 'Unknown type'} · ${started.workflowId ?? ''} · ${events.length} events (offline copy, not on the server)`));
    views = createHistoryViews({ diagramIdPrefix: 'wf-offline-diagram' });
    panel.append(views.element);
    views.setEvents(events);
  } catch (error) {
    panel.append(h('p', { class: 'wf-error', role: 'alert' }, `This file cannot be viewed as a history. ${errorMessage(error)}`));
  }
  return {
    dispose() {
      views?.dispose();
      root.replaceChildren();
    },
  };
}
