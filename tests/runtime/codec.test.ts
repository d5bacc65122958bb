// The history codec through engine.wasm: Temporal's history JSON in and out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportHistory, importHistory } from '../../web/src/server/engine-module.ts';
import { EngineError } from '../../web/src/server/errors.ts';
import { decodePayload, engineModule, timerActivityHistory } from './helpers.ts';

const errorOf = (text: string) => (JSON.parse(text) as { error?: { code: string; message: string } }).error;

test('a Temporal history round-trips through import and export', async () => {
  const module = await engineModule();
  const original = timerActivityHistory();
  const imported = importHistory(module, JSON.stringify(original));
  assert.equal(imported.events.length, original.events.length);
  imported.events.forEach((event, i) => {
    const source = original.events[i]!;
    assert.equal(event.eventId, source.eventId);
    assert.equal(event.eventType, source.eventType);
    assert.equal(Date.parse(event.eventTime as string), Date.parse(source.eventTime as string), `eventTime of event ${i + 1}`);
    const field = Object.keys(source).find((k) => k.endsWith('EventAttributes'))!;
    assert.ok(field in event, `event ${i + 1} lost ${field}`);
  });
  const timer = imported.events[4]!.timerStartedEventAttributes as Record<string, unknown>;
  assert.equal(timer.timerId, '1');
  assert.equal(timer.startToFireTimeout, '2s');
  const scheduled = imported.events[9]!.activityTaskScheduledEventAttributes as { activityType: { name: string }; input: { payloads: never[] } };
  assert.equal(scheduled.activityType.name, 'payment_gateway');
  assert.deepEqual(decodePayload(scheduled.input.payloads[0]!), { description: 'Widget A', amount: 100, due_date: '2024-06-30T00:00:00Z' });
  // Export of the canonical form is a fixed point.
  assert.deepEqual(exportHistory(module, imported), imported);
  assert.deepEqual(importHistory(module, JSON.stringify(imported)), imported);
  // A GetWorkflowExecutionHistory response ({"history":{...}}) is accepted too.
  assert.deepEqual(exportHistory(module, { history: imported }), imported);
});

test('the older PascalCase event type spelling imports to the same canonical history', async () => {
  const module = await engineModule();
  const canonical = timerActivityHistory();
  const pascal = structuredClone(canonical);
  for (const event of pascal.events) {
    event.eventType = (event.eventType as string).replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  }
  assert.equal(pascal.events[0]!.eventType, 'WorkflowExecutionStarted');
  assert.deepEqual(importHistory(module, JSON.stringify(pascal)), importHistory(module, JSON.stringify(canonical)));
});

test('bad histories are rejected with a structured error, never a trap', async () => {
  const module = await engineModule();
  const good = timerActivityHistory();
  const withoutStart = { events: good.events.slice(1) };
  const gap = structuredClone(good);
  gap.events[3]!.eventId = '7';
  const unknownType = structuredClone(good);
  unknownType.events[4]!.eventType = 'EVENT_TYPE_TIMER_EXPLODED';
  const badTime = structuredClone(good);
  badTime.events[2]!.eventTime = 'yesterday';
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"events": ['],
    ['not an object', '42'],
    ['no events', '{"events": []}'],
    ['events not an array', '{"events": {}}'],
    ['first event is not WorkflowExecutionStarted', JSON.stringify(withoutStart)],
    ['event IDs with a gap', JSON.stringify(gap)],
    ['unknown event type', JSON.stringify(unknownType)],
    ['unparseable eventTime', JSON.stringify(badTime)],
  ];
  for (const [name, text] of cases) {
    const error = errorOf(module.importHistory(text));
    assert.ok(error, `${name}: expected an error`);
    assert.equal(error.code, 'INVALID_ARGUMENT', `${name}: ${error.message}`);
    assert.ok(error.message.length > 0, name);
    assert.ok(errorOf(module.exportHistory(text)), `${name}: export should fail too`);
  }
  assert.throws(() => importHistory(module, '{'), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT');
  // The module is still fine.
  assert.equal(importHistory(module, JSON.stringify(good)).events.length, good.events.length);
});
