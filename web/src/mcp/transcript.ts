// The JSON-RPC transcript of the page's MCP connections, as the MCP Inspector
// shows it: every message that crossed, in order, with each request paired to
// its response (by session and id) and the time between them. It spans
// connections: each connect starts a new session, so a restarted server's
// handshake is shown after the old one's last call.

export type TranscriptKind = 'request' | 'response' | 'error' | 'notification' | 'invalid' | 'note';

export interface TranscriptEntry {
  /** Position in the transcript, from 1. */
  seq: number;
  /** Which connection (1, 2, ...); notes belong to the session they describe. */
  session: number;
  direction: 'sent' | 'received' | 'note';
  kind: TranscriptKind;
  /** Wall-clock time (ms since the epoch) the message crossed. */
  atMs: number;
  /** The text that crossed (for notes, the note). */
  text: string;
  /** The parsed message (absent for notes and for text that is not JSON). */
  message?: unknown;
  method?: string;
  id?: string | number;
  /** For a request, its response's seq; for a response, its request's seq. */
  pairedSeq?: number;
  /** For a response: milliseconds since its request. */
  durationMs?: number;
}

export interface TranscriptExport {
  format: 'durable-lab/mcp-transcript';
  version: 1;
  exportedAt: string;
  entries: TranscriptEntry[];
}

const MAX_ENTRIES = 5_000;

function classify(message: unknown): Pick<TranscriptEntry, 'kind' | 'method' | 'id'> {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return { kind: 'invalid' };
  const m = message as Record<string, unknown>;
  const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined;
  if (typeof m.method === 'string') return { kind: id === undefined ? 'notification' : 'request', method: m.method, id };
  if ('error' in m) return { kind: 'error', id };
  if ('result' in m) return { kind: 'response', id };
  return { kind: 'invalid', id };
}

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  session = 0;
  readonly #open = new Map<string, TranscriptEntry>();
  readonly #listeners = new Set<(entry: TranscriptEntry) => void>();
  #seq = 0;

  /** Starts a new session (a new connection); returns its number. */
  beginSession(note: string): number {
    this.session += 1;
    this.note(note);
    return this.session;
  }

  note(text: string): TranscriptEntry {
    return this.#publish(this.#add({ direction: 'note', kind: 'note', text }));
  }

  record(direction: 'sent' | 'received', text: string): TranscriptEntry {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return this.#publish(this.#add({ direction, kind: 'invalid', text }));
    }
    const entry = this.#add({ direction, text, message, ...classify(message) });
    // A request waits for the response that comes the other way with its id.
    if (entry.kind === 'request') {
      this.#open.set(this.#key(entry.session, direction, entry.id!), entry);
    } else if ((entry.kind === 'response' || entry.kind === 'error') && entry.id !== undefined) {
      const other = direction === 'sent' ? 'received' : 'sent';
      const key = this.#key(entry.session, other, entry.id);
      const request = this.#open.get(key);
      if (request) {
        this.#open.delete(key);
        request.pairedSeq = entry.seq;
        entry.pairedSeq = request.seq;
        entry.method = request.method;
        entry.durationMs = entry.atMs - request.atMs;
      }
    }
    return this.#publish(entry);
  }

  /** The entry with this seq, if it is still kept. */
  find(seq: number): TranscriptEntry | undefined {
    const first = this.entries[0]?.seq ?? 1;
    return this.entries[seq - first];
  }

  /** Calls `listener` with each new entry once it is complete (a response already paired with its request). */
  onEntry(listener: (entry: TranscriptEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  toJSON(): TranscriptExport {
    return { format: 'durable-lab/mcp-transcript', version: 1, exportedAt: new Date().toISOString(), entries: this.entries };
  }

  #key(session: number, direction: string, id: string | number): string {
    return `${session}/${direction}/${typeof id}:${id}`;
  }

  #add(fields: Omit<TranscriptEntry, 'seq' | 'session' | 'atMs'>): TranscriptEntry {
    const entry: TranscriptEntry = { seq: ++this.#seq, session: this.session, atMs: Date.now(), ...fields };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return entry;
  }

  #publish(entry: TranscriptEntry): TranscriptEntry {
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }
}
