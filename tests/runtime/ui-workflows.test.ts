// Pure parts of the workflows views (web/src/ui/workflows/): event summaries,
// compact grouping, the mermaid sequence diagram text, history-import
// validation, payload display and the visibility query. Uses the real
// hand-written Temporal history of tests/engine/history/timer_activity_history.h.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodePayloads, encodePayload } from '../../web/src/ui/payloads.ts';
import {
  canonicalEventType, decodeForDisplay, decodePayloadsSafe, eventAttributes, formatDurationMs, groupHistory, historyFileName,
  parseDurationMs, prettyJson, shortEventType, summarizeEvent, type HistoryEvent,
} from '../../web/src/ui/workflows/history.ts';
import { HistoryImportError, parseHistoryDocument, validateHistoryDocument } from '../../web/src/ui/workflows/history-import.ts';
import { historyToMermaid, mermaidLabel } from '../../web/src/ui/workflows/sequence-diagram.ts';
import { buildVisibilityQuery, statusLabel } from '../../web/src/ui/workflows/visibility-query.ts';
import { METADATA_QUERY, optionLabel, parseWorkflowMetadata } from '../../web/src/ui/workflows/workflow-metadata.ts';

const fixture = readFileSync(new URL('../engine/history/timer_activity_history.h', import.meta.url), 'utf8');
const historyText = fixture.slice(fixture.indexOf('R"json(') + 7, fixture.indexOf(')json"'));
const events = (): HistoryEvent[] => structuredClone(JSON.parse(historyText).events);
const decode = (p: unknown) => decodePayloads(p as never);

function event(eventId: number, eventType: string, attributesKey: string, attributes: object): HistoryEvent {
  return { eventId: String(eventId), eventTime: '2024-06-30T00:00:00Z', eventType, [attributesKey]: attributes };
}

// A run with a retried activity, a signal, a canceled timer and a child, built from real event shapes.
function retryHistory(): HistoryEvent[] {
  const h = events().slice(0, 4);
  const failure = { message: 'card declined', applicationFailureInfo: { type: 'PaymentError' } };
  h.push(event(5, 'EVENT_TYPE_TIMER_STARTED', 'timerStartedEventAttributes', { timerId: '1', startToFireTimeout: '432000s', workflowTaskCompletedEventId: '4' }));
  h.push(event(6, 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', 'activityTaskScheduledEventAttributes', { activityId: '2', activityType: { name: 'charge_invoice' } }));
  h.push(event(7, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', 'workflowExecutionSignaledEventAttributes', { signalName: 'ApproveInvoice', input: { payloads: [encodePayload({ by: 'ada' })] } }));
  h.push(event(8, 'EVENT_TYPE_TIMER_CANCELED', 'timerCanceledEventAttributes', { timerId: '1', startedEventId: '5' }));
  h.push(event(9, 'EVENT_TYPE_ACTIVITY_TASK_STARTED', 'activityTaskStartedEventAttributes', { scheduledEventId: '6', attempt: 3, lastFailure: failure }));
  h.push(event(10, 'EVENT_TYPE_ACTIVITY_TASK_FAILED', 'activityTaskFailedEventAttributes', { scheduledEventId: '6', startedEventId: '9', failure }));
  h.push(event(11, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED', 'startChildWorkflowExecutionInitiatedEventAttributes', { workflowId: 'child-1', workflowType: { name: 'Receipt' } }));
  h.push(event(12, 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED', 'childWorkflowExecutionCompletedEventAttributes', { initiatedEventId: '11', workflowExecution: { workflowId: 'child-1', runId: 'r' } }));
  h.push(event(13, 'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT', 'workflowExecutionTimedOutEventAttributes', { retryState: 'RETRY_STATE_TIMEOUT' }));
  return h;
}

test('event type names convert between Temporal JSON and PascalCase', () => {
  assert.equal(shortEventType('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED'), 'WorkflowExecutionStarted');
  assert.equal(shortEventType('TimerFired'), 'TimerFired');
  assert.equal(canonicalEventType('TimerFired'), 'EVENT_TYPE_TIMER_FIRED');
  assert.equal(canonicalEventType('StartChildWorkflowExecutionInitiated'), 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED');
  assert.equal(canonicalEventType('EVENT_TYPE_TIMER_FIRED'), 'EVENT_TYPE_TIMER_FIRED');
});

test('durations parse and format', () => {
  assert.equal(parseDurationMs('2s'), 2000);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('nope'), undefined);
  assert.equal(formatDurationMs(2000), '2s');
  assert.equal(formatDurationMs(90_000), '1m 30s');
  assert.equal(formatDurationMs(432_000_000), '5d');
  assert.equal(formatDurationMs(93_784_000), '1d 2h');
  assert.equal(formatDurationMs(250), '250ms');
});

test('one-line summaries of the real history', () => {
  const h = events();
  const byId = (id: string) => summarizeEvent(h.find((e) => e.eventId === id)!);
  assert.equal(byId('1'), 'InvoiceWorkflow started on invoices');
  assert.equal(byId('5'), 'timer 1 fires in 2s');
  assert.equal(byId('6'), 'timer 1 fired');
  assert.equal(byId('10'), 'activity charge_invoice (id 1) scheduled');
  assert.equal(byId('11'), 'activity started, attempt 1');
  assert.equal(byId('12'), 'activity completed (scheduled in event 10)');
  assert.equal(byId(h[h.length - 1]!.eventId), 'workflow completed');
  const r = retryHistory();
  assert.equal(summarizeEvent(r.find((e) => e.eventId === '9')!), 'activity started, attempt 3; last failure: PaymentError: card declined');
  assert.equal(summarizeEvent(r.find((e) => e.eventId === '7')!), 'signal ApproveInvoice');
  assert.equal(summarizeEvent(r.find((e) => e.eventId === '5')!), 'timer 1 fires in 5d');
});

test('compact view groups activities, timers, signals and children', () => {
  const groups = groupHistory(events());
  assert.deepEqual(groups.map((g) => [g.kind, g.title, g.state]), [
    ['workflow', 'workflow InvoiceWorkflow', 'completed'],
    ['timer', 'timer 1 (2s)', 'fired'],
    ['activity', 'activity charge_invoice (id 1)', 'completed'],
  ]);
  assert.deepEqual(groups[2]!.events.map((e) => e.eventId), ['10', '11', '12']);
  assert.equal(groups[2]!.attempts, 1);
  assert.deepEqual(groups[0]!.events.map((e) => shortEventType(e.eventType)), ['WorkflowExecutionStarted', 'WorkflowExecutionCompleted']);

  const retried = groupHistory(retryHistory());
  const activity = retried.find((g) => g.kind === 'activity')!;
  assert.equal(activity.state, 'failed');
  assert.equal(activity.attempts, 3);
  assert.deepEqual(activity.events.map((e) => e.eventId), ['6', '9', '10']);
  const timer = retried.find((g) => g.kind === 'timer')!;
  assert.equal(timer.title, 'timer 1 (5d)');
  assert.equal(timer.state, 'canceled');
  assert.equal(retried.find((g) => g.kind === 'signal')!.title, 'signal ApproveInvoice');
  const child = retried.find((g) => g.kind === 'child')!;
  assert.equal(child.state, 'completed');
  assert.equal(child.title, 'child Receipt child-1');
  assert.equal(retried.find((g) => g.kind === 'workflow')!.state, 'timed out');
  assert.ok(!retried.some((g) => g.events.some((e) => shortEventType(e.eventType).startsWith('WorkflowTask'))));
});

test('payloads decode for display, including inside attributes, and bad payloads do not throw', () => {
  const h = events();
  const start = eventAttributes(h[0]!);
  assert.deepEqual(decodePayloadsSafe(start.input, decode), ['INV-1']);
  const scheduled = decodeForDisplay(eventAttributes(h.find((e) => e.eventId === '10')!), decode) as Record<string, any>;
  assert.deepEqual(scheduled.input, { payloads: [{ amount: 120, customer: 'ACME' }] });
  assert.equal(scheduled.activityType.name, 'charge_invoice');
  const completed = decodeForDisplay(eventAttributes(h[h.length - 1]!), decode) as Record<string, any>;
  assert.deepEqual(completed.result, { payloads: ['done: INV-1'] });
  const broken = decodePayloadsSafe({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: btoa('{not json') }] }, decode);
  assert.match(String(broken[0]), /^<undecodable payload: /);
  assert.equal(prettyJson({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
  assert.equal(prettyJson('<b>x</b>'), '"<b>x</b>"');
});

test('the mermaid sequence diagram follows the real history', () => {
  const text = historyToMermaid(events());
  assert.equal(text, [
    'sequenceDiagram',
    '  participant Client',
    '  participant Server',
    '  participant Worker',
    '  participant Activities',
    '  Client->>Server: start InvoiceWorkflow',
    '  Server->>Worker: workflow task',
    '  Worker->>Server: workflow task completed',
    '  Worker->>Server: start timer 1 (2s)',
    '  Note over Server: timer 1 fired',
    '  Server->>Worker: workflow task',
    '  Worker->>Server: workflow task completed',
    '  Worker->>Server: schedule activity charge_invoice',
    '  Server->>Activities: charge_invoice attempt 1',
    '  Activities-->>Server: charge_invoice completed',
    '  Server->>Worker: workflow task',
    '  Worker->>Server: workflow task completed',
    '  Worker->>Server: complete workflow',
    '  Server-->>Client: completed',
    '',
  ].join('\n'));
});

test('the mermaid diagram shows attempts, signals, children and timeouts', () => {
  const text = historyToMermaid(retryHistory());
  assert.match(text, /Note over Server,Activities: charge_invoice attempts 1 to 2 failed - last PaymentError card declined\n/);
  assert.match(text, /Server->>Activities: charge_invoice attempt 3\n/);
  assert.match(text, /Activities--xServer: charge_invoice failed PaymentError card declined\n/);
  assert.match(text, /Client->>Server: signal ApproveInvoice\n/);
  assert.match(text, /Worker->>Server: cancel timer 1\n/);
  assert.match(text, /Worker->>Server: start child Receipt\n/);
  assert.match(text, /Note over Server: child child-1 completed\n/);
  assert.match(text, /Note over Server: workflow timed out\n {2}Server-->>Client: timed out\n$/);
});

test('mermaid labels cannot inject diagram syntax or markup', () => {
  const h = events().slice(0, 1);
  h.push(event(2, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', 'workflowExecutionSignaledEventAttributes',
    { signalName: 'evil;\nClient->>Server: <img src=x onerror=alert(1)>#35;%%{init}%%' }));
  const text = historyToMermaid(h);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 7, 'one line per message');
  assert.ok(!/[<>;#%{}:]/.test(lines[6]!.slice(lines[6]!.indexOf(':') + 1)), lines[6]);
  assert.equal(mermaidLabel('a'.repeat(200)).length, 80);
  assert.equal(mermaidLabel(undefined), '');
});

test('history import accepts Temporal JSON, the response shape and PascalCase types', () => {
  assert.equal(parseHistoryDocument(historyText).events.length, events().length);
  const wrapped = validateHistoryDocument({ history: { events: events() } });
  assert.equal(wrapped.events[0]!.eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  const pascal = events().map((e) => ({ ...e, eventType: shortEventType(e.eventType), eventId: Number(e.eventId) }));
  const parsed = validateHistoryDocument({ events: pascal });
  assert.equal(parsed.events[4]!.eventType, 'EVENT_TYPE_TIMER_STARTED');
  assert.equal(parsed.events[4]!.eventId, '5');
});

test('history import rejects anything that is not a history, with a clear error', () => {
  const rejects = (input: string | unknown, message: RegExp) =>
    assert.throws(() => (typeof input === 'string' ? parseHistoryDocument(input) : validateHistoryDocument(input)),
      (error: unknown) => error instanceof HistoryImportError && message.test(error.message));
  rejects('{"events": [', /not JSON/);
  rejects('[1,2]', /JSON object with an "events" array/);
  rejects({ name: 'package.json' }, /no "events" array/);
  rejects({ events: [] }, /no events/);
  rejects({ events: [42] }, /Event #1 is not an object/);
  const h = events();
  rejects({ events: [{ ...h[0], eventId: 'x' }] }, /Event #1 has no valid "eventId"/);
  rejects({ events: [h[0], h[0]] }, /event IDs must increase/);
  rejects({ events: [{ ...h[0], eventType: 'started!' }] }, /Event 1 has no valid "eventType"/);
  rejects({ events: [{ ...h[0], eventTime: 'yesterday' }] }, /Event 1 has no valid "eventTime"/);
  const { workflowExecutionStartedEventAttributes: _, ...bare } = h[0] as Record<string, unknown>;
  rejects({ events: [bare] }, /has no "...EventAttributes" object/);
  rejects({ events: [{ ...h[0], timerFiredEventAttributes: {} }] }, /2 attribute objects/);
  rejects({ events: [h[1]] }, /starts with WorkflowExecutionStarted/);
});

test('the visibility query is built from the filters', () => {
  assert.equal(buildVisibilityQuery({}), '');
  assert.equal(buildVisibilityQuery({ workflowType: ' InvoiceWorkflow ', status: 'Running' }), "WorkflowType = 'InvoiceWorkflow' AND ExecutionStatus = 'Running'");
  assert.equal(buildVisibilityQuery({ status: 'TimedOut' }), "ExecutionStatus = 'TimedOut'");
  assert.equal(buildVisibilityQuery({ workflowType: "Bob's" }), 'WorkflowType = "Bob\'s"');
  assert.throws(() => buildVisibilityQuery({ status: 'Sleeping' }));
  assert.equal(statusLabel('WORKFLOW_EXECUTION_STATUS_TIMED_OUT'), 'TimedOut');
  assert.equal(statusLabel('WORKFLOW_EXECUTION_STATUS_RUNNING'), 'Running');
  assert.equal(statusLabel(undefined), 'Unknown');
});

test('the history download is named <workflowId>_<runId>.json', () => {
  assert.equal(historyFileName('invoice-INV-1', '5c1f0d1e-6d5a-4f0b-9a57-0c8f3b7d2e11'), 'invoice-INV-1_5c1f0d1e-6d5a-4f0b-9a57-0c8f3b7d2e11.json');
  assert.equal(historyFileName('a/b:c', 'r'), 'a_b_c_r.json');
});

// What the Python runtime answers to __temporal_workflow_metadata for the chapter's
// InvoiceWorkflow (tests/runtime/python/test_workflow_metadata.py), plus descriptions.
const invoiceMetadata = {
  definition: {
    type: 'InvoiceWorkflow',
    queryDefinitions: [
      { name: 'GetInvoiceStatus', description: 'The invoice status.\n\nOne of PENDING-APPROVAL, APPROVED, ...' },
      { name: '__stack_trace' },
      { name: '__temporal_workflow_metadata' },
    ],
    signalDefinitions: [{ name: 'ApproveInvoice', description: 'Approves it' }, { name: 'RejectInvoice' }],
  },
};

test('parseWorkflowMetadata reads the WorkflowMetadata proto3 JSON, object or json/protobuf text', () => {
  assert.equal(METADATA_QUERY, '__temporal_workflow_metadata');
  const expected = {
    type: 'InvoiceWorkflow',
    queries: [
      { name: 'GetInvoiceStatus', description: 'The invoice status.\n\nOne of PENDING-APPROVAL, APPROVED, ...' },
      { name: '__stack_trace' },
      { name: '__temporal_workflow_metadata' },
    ],
    signals: [{ name: 'ApproveInvoice', description: 'Approves it' }, { name: 'RejectInvoice' }],
    updates: [],
  };
  assert.deepEqual(parseWorkflowMetadata(invoiceMetadata), expected);
  assert.deepEqual(parseWorkflowMetadata(JSON.stringify(invoiceMetadata)), expected);
  assert.equal(optionLabel(expected.queries[0]!), 'The invoice status.');
  assert.equal(optionLabel(expected.signals[1]!), undefined);
});

test('parseWorkflowMetadata: built-ins go last, dynamic handlers are dropped, junk is null', () => {
  const parsed = parseWorkflowMetadata({
    definition: {
      query_definitions: [{ name: '__stack_trace' }, { name: 'b', description: '  ' }, { description: 'dynamic' }, { name: 'A' }],
      update_definitions: [{ name: 'SetLimit', description: 'x' }],
    },
  });
  assert.deepEqual(parsed, { type: '', queries: [{ name: 'b' }, { name: 'A' }, { name: '__stack_trace' }], signals: [], updates: [{ name: 'SetLimit', description: 'x' }] });
  for (const junk of [null, undefined, 'PENDING-APPROVAL', '{', 42, [], {}, { definition: [] }]) assert.equal(parseWorkflowMetadata(junk), null);
});
