// Validates a history document for the offline viewer, with errors a person
// can act on. Accepts Temporal's JSON ({"events":[...]}, as
// GetWorkflowExecutionHistory's `history` and `temporal workflow show
// --output json` write it), also the full response shape {"history":{"events":[...]}},
// and PascalCase event types ("TimerFired"), which it normalizes.
import { canonicalEventType, type HistoryEvent } from './history.ts';

export class HistoryImportError extends Error {
  override name = 'HistoryImportError';
}


/** Parses and validates JSON text; throws HistoryImportError with a clear message. */
export function parseHistoryDocument(text: string): { events: HistoryEvent[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new HistoryImportError(`The file is not JSON: ${(error as Error).message}`);
  }
  return validateHistoryDocument(doc);
}

export function validateHistoryDocument(doc: unknown): { events: HistoryEvent[] } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new HistoryImportError('A history must be a JSON object with an "events" array, like {"events": [...]}.');
  }
  let root = doc as Record<string, unknown>;
  if (!('events' in root) && root.history && typeof root.history === 'object') root = root.history as Record<string, unknown>;
  if (!Array.isArray(root.events)) {
    throw new HistoryImportError('This JSON has no "events" array, so it is not a workflow history.');
  }
  if (root.events.length === 0) throw new HistoryImportError('The history has no events.');
  const events: HistoryEvent[] = [];
  let previousId = 0;
  root.events.forEach((raw, index) => {
    const where = `Event #${index + 1}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HistoryImportError(`${where} is not an object.`);
    const e = raw as Record<string, unknown>;
    const id = typeof e.eventId === 'number' ? String(e.eventId) : e.eventId;
    if (typeof id !== 'string' || !/^[1-9]\d*$/.test(id)) {
      throw new HistoryImportError(`${where} has no valid "eventId" (a positive integer, as a string or number).`);
    }
    if (Number(id) <= previousId) {
      throw new HistoryImportError(`${where} has eventId ${id}, but event IDs must increase (previous was ${previousId}).`);
    }
    previousId = Number(id);
    if (typeof e.eventType !== 'string' || !/^(EVENT_TYPE_[A-Z_]+|[A-Z][A-Za-z]+)$/.test(e.eventType)) {
      throw new HistoryImportError(`Event ${id} has no valid "eventType" (like "EVENT_TYPE_TIMER_FIRED" or "TimerFired").`);
    }
    if (typeof e.eventTime !== 'string' || Number.isNaN(Date.parse(e.eventTime))) {
      throw new HistoryImportError(`Event ${id} has no valid "eventTime" (an RFC 3339 time such as "2024-06-30T00:00:00Z").`);
    }
    const attributeKeys = Object.keys(e).filter((k) => k.endsWith('EventAttributes'));
    if (attributeKeys.length !== 1) {
      throw new HistoryImportError(
        attributeKeys.length === 0
          ? `Event ${id} (${e.eventType}) has no "...EventAttributes" object.`
          : `Event ${id} has ${attributeKeys.length} attribute objects (${attributeKeys.join(', ')}); an event has exactly one.`,
      );
    }
    const attrs = e[attributeKeys[0]!];
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) {
      throw new HistoryImportError(`Event ${id}: "${attributeKeys[0]}" must be an object.`);
    }
    events.push({ ...e, eventId: id, eventType: canonicalEventType(e.eventType), eventTime: e.eventTime } as HistoryEvent);
  });
  if (events[0]!.eventType !== 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED') {
    throw new HistoryImportError(`The first event is ${events[0]!.eventType}; a history starts with WorkflowExecutionStarted.`);
  }
  // As the engine's import: a history is every event of a run, so a gap means events were lost.
  const gap = events.findIndex((e, i) => Number(e.eventId) !== i + 1);
  if (gap >= 0) {
    throw new HistoryImportError(`Event #${gap + 1} has eventId ${events[gap]!.eventId}, but event IDs run 1, 2, 3, ... without gaps: ` +
      `expected ${gap + 1}, so events are missing.`);
  }
  return { events };
}
