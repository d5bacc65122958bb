// The JSON-RPC transcript (web/src/mcp/transcript.ts) as a live list: every
// message in order with its direction, kind, method, id and time; each
// request and its response linked both ways (the response with its
// duration); each message's JSON on demand; connection notes as separators;
// Export JSON for the whole transcript. Only the newest rows stay in the DOM.
import type { McpConnection } from '../../mcp/connection.ts';
import type { Transcript, TranscriptEntry } from '../../mcp/transcript.ts';
import type { Disposable } from '../deps.ts';
import { h } from '../dom.ts';
import { prettyJson } from './result-view.ts';

/** Rows kept in the DOM; the transcript itself (and its export) keeps more. */
const MAX_ROWS = 400;
const HIGHLIGHT_CLASS = 'mcp-tx-highlight';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** e.g. mcp-transcript-2025-11-25T09-30-00Z.json */
export function transcriptFileName(now = new Date()): string {
  return `mcp-transcript-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`;
}

function download(transcript: Transcript): void {
  const blob = new Blob([JSON.stringify(transcript.toJSON(), null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: transcriptFileName() });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface Row {
  element: HTMLElement;
  /** Shows the link to the entry's pair, once it has one. */
  updatePair(): void;
  focus(): void;
}

export function mountTranscriptView(connection: McpConnection): { element: HTMLElement } & Disposable {
  const transcript = connection.transcript;
  const list = h('ol', { class: 'mcp-transcript-list', 'aria-label': 'JSON-RPC messages, oldest first', tabindex: 0 });
  const status = h('p', { class: 'mcp-hint' });
  const exportButton = h('button', { type: 'button', class: 'small', onclick: () => download(transcript) }, 'Export JSON');
  const element = h('section', { class: 'panel mcp-transcript', 'aria-labelledby': 'mcp-transcript-title' },
    h('div', { class: 'mcp-tools-head' }, h('h2', { id: 'mcp-transcript-title' }, 'JSON-RPC transcript'), exportButton),
    h('p', { class: 'mcp-hint' }, 'Every message between this page (the MCP client) and the server process, in order. ' +
      'Select a message to see its JSON; a request links to its response.'),
    status, list,
  );

  const rows = new Map<number, Row>();
  let droppedCount = Math.max(0, transcript.entries.length - MAX_ROWS);
  let highlighted: HTMLElement[] = [];
  const renderStatus = () => {
    status.textContent = droppedCount ? `${droppedCount} earlier messages are not shown here; Export JSON has them all.`
      : rows.size === 0 ? 'No messages yet: connect to the server.' : '';
  };

  const showPair = (entry: TranscriptEntry) => {
    for (const el of highlighted) el.classList.remove(HIGHLIGHT_CLASS);
    const pair = entry.pairedSeq === undefined ? undefined : rows.get(entry.pairedSeq);
    highlighted = [rows.get(entry.seq)?.element, pair?.element].filter((el): el is HTMLElement => !!el);
    for (const el of highlighted) el.classList.add(HIGHLIGHT_CLASS);
    pair?.element.scrollIntoView({ block: 'nearest' });
    pair?.focus();
  };

  const append = (entry: TranscriptEntry) => {
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    const row = entry.kind === 'note' ? noteRow(entry) : messageRow(entry, showPair);
    rows.set(entry.seq, row);
    list.append(row.element);
    // A response completes its request's row.
    if (entry.pairedSeq !== undefined) rows.get(entry.pairedSeq)?.updatePair();
    while (rows.size > MAX_ROWS) {
      const [oldest] = rows.keys();
      rows.get(oldest!)!.element.remove();
      rows.delete(oldest!);
      droppedCount += 1;
    }
    renderStatus();
    if (stick) list.scrollTop = list.scrollHeight;
  };

  for (const entry of transcript.entries.slice(-MAX_ROWS)) append(entry);
  renderStatus();
  // Show the newest messages once the view is in the document (the caller appends it right after this returns).
  queueMicrotask(() => { list.scrollTop = list.scrollHeight; });
  const off = transcript.onEntry(append);
  return { element, dispose: off };
}

function noteRow(entry: TranscriptEntry): Row {
  const element = h('li', { class: 'mcp-tx-note', 'data-seq': entry.seq, 'data-kind': 'note' },
    h('span', {}, entry.text), h('time', { datetime: new Date(entry.atMs).toISOString() }, clockTime(entry.atMs)));
  return { element, updatePair: () => {}, focus: () => {} };
}

function messageRow(entry: TranscriptEntry, showPair: (entry: TranscriptEntry) => void): Row {
  const sent = entry.direction === 'sent';
  const jsonId = `mcp-tx-json-${entry.seq}`;
  const json = h('pre', { id: jsonId, class: 'mcp-code', hidden: true });
  const toggle = h('button', { type: 'button', class: 'mcp-tx-toggle', 'aria-expanded': 'false', 'aria-controls': jsonId },
    h('span', { class: 'mcp-tx-seq' }, `#${entry.seq}`),
    h('span', { class: 'mcp-tx-arrow', 'aria-hidden': 'true' }, sent ? '\u2192' : '\u2190'),
    h('span', { class: 'sr-only' }, sent ? 'sent to the server' : 'received from the server'),
    h('span', { class: 'mcp-tx-kind' }, entry.kind),
    h('span', { class: 'mcp-tx-method' }, entry.method ?? ''),
    h('span', { class: 'mcp-tx-id' }, entry.id === undefined ? '' : `id ${entry.id}`),
  );
  toggle.addEventListener('click', () => {
    const open = json.hidden;
    if (open && !json.textContent) json.textContent = entry.message === undefined ? entry.text : prettyJson(entry.message);
    json.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  });
  const pair = h('button', { type: 'button', class: 'small mcp-tx-pair', hidden: true, onclick: () => showPair(entry) });
  const element = h('li', { class: `mcp-tx-entry mcp-tx-${entry.direction}`, 'data-seq': entry.seq, 'data-kind': entry.kind },
    h('div', { class: 'mcp-tx-line' },
      toggle,
      h('time', { datetime: new Date(entry.atMs).toISOString() }, clockTime(entry.atMs)),
      pair),
    json,
  );
  const updatePair = () => {
    if (entry.pairedSeq === undefined) return;
    pair.hidden = false;
    pair.textContent = entry.kind === 'request'
      ? `response #${entry.pairedSeq}`
      : `request #${entry.pairedSeq} \u00b7 ${entry.durationMs ?? 0} ms`;
    pair.title = `Highlight this message and its ${entry.kind === 'request' ? 'response' : 'request'}`;
  };
  updatePair();
  return { element, updatePair, focus: () => toggle.focus() };
}
