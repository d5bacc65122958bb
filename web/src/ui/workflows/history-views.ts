// The event history in three views (feed, compact, JSON) plus the sequence
// diagram tab; used by the live detail view and the offline (imported) viewer.
import { decodePayloads } from '../payloads.ts';
import { h } from '../dom.ts';
import { formatTime } from './view-helpers.ts';
import { decodeForDisplay, eventAttributes, groupHistory, prettyJson, shortEventType, summarizeEvent, type HistoryEvent } from './history.ts';
import { historyToMermaid } from './sequence-diagram.ts';
import { renderMermaid } from './diagram.ts';

type View = 'feed' | 'compact' | 'json' | 'diagram';

export interface HistoryViews {
  element: HTMLElement;
  setEvents(events: HistoryEvent[]): void;
  dispose(): void;
}

function attributesBlock(event: HistoryEvent): HTMLElement {
  const decoded = decodeForDisplay(eventAttributes(event), (p) => decodePayloads(p as never));
  return h('pre', { class: 'wf-json' }, prettyJson(decoded));
}

function feedRow(event: HistoryEvent, open: Set<string>): HTMLElement {
  const type = shortEventType(event.eventType);
  const row = h('details', { class: `wf-event wf-kind-${kindClass(type)}`, 'data-event-id': event.eventId });
  if (open.has(event.eventId)) row.open = true;
  const summary = h(
    'summary',
    {},
    h('span', { class: 'wf-event-id' }, event.eventId),
    h('span', { class: 'wf-event-time' }, formatTime(event.eventTime)),
    h('span', { class: 'wf-event-type' }, type),
    h('span', { class: 'wf-event-summary' }, summarizeEvent(event)),
  );
  row.append(summary);
  row.addEventListener('toggle', () => {
    if (row.open) {
      open.add(event.eventId);
      if (!row.querySelector('pre')) row.append(attributesBlock(event));
    } else open.delete(event.eventId);
  });
  if (row.open) row.append(attributesBlock(event));
  return row;
}

function kindClass(type: string): string {
  if (type.startsWith('WorkflowTask')) return 'task';
  if (type.startsWith('Activity')) return 'activity';
  if (type.startsWith('Timer')) return 'timer';
  if (type.includes('Signal')) return 'signal';
  if (type.includes('Child')) return 'child';
  return 'workflow';
}

export function createHistoryViews(options: { diagramIdPrefix: string }): HistoryViews {
  let events: HistoryEvent[] = [];
  let view: View = 'feed';
  const open = new Set<string>();
  let diagramVersion = 0;
  let renderedDiagramFor = -1;
  const tabs = h('div', { class: 'wf-tabs', role: 'tablist' });
  const body = h('div', { class: 'wf-history-body' });
  const element = h('section', { class: 'wf-history' }, h('h3', {}, 'Event history'), tabs, body);
  const labels: Record<View, string> = { feed: 'Feed', compact: 'Compact', json: 'JSON', diagram: 'Sequence diagram' };
  const buttons = (Object.keys(labels) as View[]).map((v) =>
    h('button', { class: 'wf-tab', type: 'button', role: 'tab', 'data-view': v, onclick: () => { view = v; render(); } }, labels[v]),
  );
  tabs.append(...buttons);
  let disposed = false;

  function render() {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.view === view));
    if (view === 'feed') {
      body.replaceChildren(h('div', { class: 'wf-feed' }, ...events.map((e) => feedRow(e, open))));
    } else if (view === 'compact') {
      body.replaceChildren(renderCompact(events, open));
    } else if (view === 'json') {
      body.replaceChildren(h('pre', { class: 'wf-json wf-raw' }, prettyJson({ events })));
    } else {
      if (renderedDiagramFor === diagramVersion && body.querySelector('.wf-diagram')) return;
      renderedDiagramFor = diagramVersion;
      const text = historyToMermaid(events);
      const holder = h('div', { class: 'wf-diagram' }, 'Drawing…');
      const source = h('details', { class: 'wf-diagram-source' }, h('summary', {}, 'Mermaid source'), h('pre', { class: 'wf-json' }, text));
      body.replaceChildren(holder, source);
      const version = diagramVersion;
      renderMermaid(`${options.diagramIdPrefix}-${version}`, text).then(
        (svg) => { if (!disposed && version === diagramVersion) holder.replaceChildren(svg); },
        (error) => { if (!disposed) holder.textContent = `The diagram could not be drawn: ${error instanceof Error ? error.message : String(error)}`; },
      );
    }
  }

  render();
  return {
    element,
    setEvents(next) {
      events = next;
      diagramVersion++;
      render();
    },
    dispose() {
      disposed = true;
    },
  };
}

function renderCompact(events: HistoryEvent[], open: Set<string>): HTMLElement {
  const groups = groupHistory(events);
  const list = h('div', { class: 'wf-compact' });
  for (const g of groups) {
    const key = `group-${g.events[0]!.eventId}`;
    const box = h('details', { class: `wf-group wf-kind-${g.kind}`, 'data-group': g.kind });
    if (open.has(key)) box.open = true;
    box.addEventListener('toggle', () => (box.open ? open.add(key) : open.delete(key)));
    const attempts = g.kind === 'activity' ? ` · ${g.attempts ?? 1} attempt${(g.attempts ?? 1) === 1 ? '' : 's'}` : '';
    box.append(
      h('summary', {}, h('span', { class: 'wf-group-title' }, g.title), h('span', { class: 'wf-group-state' }, `${g.state}${attempts}`),
        h('span', { class: 'wf-group-events' }, g.events.map((e) => shortEventType(e.eventType).replace(/^(ActivityTask|Timer|WorkflowExecution|ChildWorkflowExecution)/, '') || shortEventType(e.eventType)).join(' → '))),
      ...g.events.map((e) => feedRow(e, open)),
    );
    list.append(box);
  }
  if (groups.length === 0) list.append(h('p', { class: 'wf-muted' }, 'No events yet.'));
  return list;
}
