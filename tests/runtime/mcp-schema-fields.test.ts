// The client panel's form logic (web/src/mcp/schema-fields.ts): tool input
// schemas as FastMCP (Pydantic) writes them, turned into fields, and form
// values turned back into arguments with their errors.
//
//   node --import tsx --test tests/runtime/mcp-schema-fields.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  argumentsFromValues, draftArguments, fieldsFromSchema, initialValues, parseRawArguments, valuesFromArguments, type FieldDescriptor,
} from '../../web/src/mcp/schema-fields.ts';

// The chapter's tools, as FastMCP lists them.
const PROCESS_INVOICE = {
  type: 'object',
  properties: { invoice: { type: 'object', additionalProperties: true } },
  required: ['invoice'],
};
const INVOICE_STATUS = {
  type: 'object',
  properties: { workflow_id: { type: 'string' }, run_id: { type: 'string' } },
  required: ['workflow_id', 'run_id'],
};

// Every shape the form knows, as Pydantic writes it.
const EVERYTHING = {
  type: 'object',
  $defs: {
    Currency: { enum: ['EUR', 'USD'], type: 'string', description: 'ISO code' },
    Line: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
  },
  properties: {
    note: { type: 'string', description: 'Free text', default: 'hello' },
    count: { type: 'integer', default: 3 },
    ratio: { type: 'number' },
    urgent: { type: 'boolean', default: false },
    audited: { anyOf: [{ type: 'boolean' }, { type: 'null' }], default: null },
    currency: { $ref: '#/$defs/Currency', default: 'USD' },
    limit: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, description: 'Optional cap' },
    line: { $ref: '#/$defs/Line' },
    tags: { type: 'array', items: { type: 'string' } },
    anything: {},
    mode: { const: 'fast' },
    either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  },
  required: ['ratio', 'line', 'mode'],
};

const byName = (fields: FieldDescriptor[]) => Object.fromEntries(fields.map((field) => [field.name, field]));

test('the chapter\u2019s tools: a required JSON object, two required strings', () => {
  assert.deepEqual(fieldsFromSchema(PROCESS_INVOICE), [{ name: 'invoice', kind: 'json', required: true, jsonType: 'object' }]);
  assert.deepEqual(fieldsFromSchema(INVOICE_STATUS), [
    { name: 'workflow_id', kind: 'text', required: true },
    { name: 'run_id', kind: 'text', required: true },
  ]);
  assert.deepEqual(fieldsFromSchema({ type: 'object' }), []);
});

test('each schema shape gets its input', () => {
  const fields = byName(fieldsFromSchema(EVERYTHING));
  assert.deepEqual(fields.note, { name: 'note', kind: 'text', required: false, description: 'Free text', defaultValue: 'hello' });
  assert.equal(fields.count!.kind, 'integer');
  assert.equal(fields.ratio!.kind, 'number');
  assert.equal(fields.ratio!.required, true);
  assert.equal(fields.urgent!.kind, 'checkbox');
  // An Optional[bool] without a default cannot be a checkbox: unset, true or false.
  assert.deepEqual(fields.audited, { name: 'audited', kind: 'choice', required: false, options: [true, false] });
  // An enum behind $ref keeps its description and the property's default.
  assert.deepEqual(fields.currency, { name: 'currency', kind: 'choice', required: false, description: 'ISO code', defaultValue: 'USD', options: ['EUR', 'USD'] });
  // Optional[int] is an optional integer; the null default is not pre-filled.
  assert.deepEqual(fields.limit, { name: 'limit', kind: 'integer', required: false, description: 'Optional cap' });
  assert.deepEqual(fields.line, { name: 'line', kind: 'json', required: true, jsonType: 'object' });
  assert.equal(fields.tags!.jsonType, 'array');
  assert.deepEqual(fields.anything, { name: 'anything', kind: 'json', required: false });
  assert.deepEqual(fields.mode!.options, ['fast']);
  assert.equal(fields.either!.kind, 'json', 'a union of several types is edited as JSON');
});

test('defaults are pre-filled', () => {
  const values = initialValues(fieldsFromSchema(EVERYTHING));
  assert.deepEqual(values, {
    note: 'hello', count: '3', ratio: '', urgent: false, audited: '', currency: '1', limit: '', line: '', tags: '', anything: '', mode: '', either: '',
  });
});

test('values become arguments; optional empty inputs are left out', () => {
  const fields = fieldsFromSchema(EVERYTHING);
  const values = { ...initialValues(fields), ratio: '1.5', line: '{"amount": 2}', mode: '0', tags: '["a"]', audited: '1', anything: 'null' };
  assert.deepEqual(argumentsFromValues(fields, values), {
    ok: true,
    args: { note: 'hello', count: 3, ratio: 1.5, urgent: false, audited: false, currency: 'USD', line: { amount: 2 }, tags: ['a'], anything: null, mode: 'fast' },
  });
});

test('required fields and bad input are reported per field, before anything is sent', () => {
  const fields = fieldsFromSchema(EVERYTHING);
  const outcome = argumentsFromValues(fields, { ...initialValues(fields), count: '2.5', line: '{"amount": 2,}', tags: '{}', ratio: 'abc' });
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.deepEqual(Object.keys(outcome.errors).sort(), ['count', 'line', 'mode', 'ratio', 'tags']);
  assert.equal(outcome.errors.count, 'Enter a whole number.');
  assert.equal(outcome.errors.ratio, 'Enter a number.');
  assert.match(outcome.errors.line!, /^Not valid JSON: /);
  assert.equal(outcome.errors.tags, 'Expected a JSON array ([ ... ]).');
  assert.equal(outcome.errors.mode, 'Required.');

  const invoice = fieldsFromSchema(PROCESS_INVOICE);
  const notObject = argumentsFromValues(invoice, { invoice: '[1]' });
  assert.deepEqual(notObject, { ok: false, errors: { invoice: 'Expected a JSON object ({ ... }).' } });
  const status = fieldsFromSchema(INVOICE_STATUS);
  assert.deepEqual(argumentsFromValues(status, { workflow_id: '  ', run_id: 'r' }), { ok: false, errors: { workflow_id: 'Required.' } });
});

test('raw JSON: the form\u2019s draft, parsed text, and back to the form', () => {
  const fields = fieldsFromSchema(EVERYTHING);
  // What converts is converted; what does not keeps its text; empty optional inputs are left out.
  const draft = draftArguments(fields, { ...initialValues(fields), ratio: 'abc', line: '{"amount": 2}' });
  assert.deepEqual(draft, { note: 'hello', count: 3, ratio: 'abc', urgent: false, currency: 'USD', line: { amount: 2 } });

  assert.deepEqual(parseRawArguments('{"workflow_id": "w"}'), { ok: true, args: { workflow_id: 'w' } });
  assert.deepEqual(parseRawArguments('  '), { ok: true, args: {} });
  assert.equal(parseRawArguments('[]').ok, false);
  const broken = parseRawArguments('{"a": }');
  assert.match(!broken.ok ? broken.error : '', /^Not valid JSON: /);

  const back = valuesFromArguments(fields, { count: 7, currency: 'EUR', line: { amount: 1 }, urgent: true, extra: 1 });
  assert.equal(back.values.count, '7');
  assert.equal(back.values.currency, '0');
  assert.equal(back.values.line, '{\n  "amount": 1\n}');
  assert.equal(back.values.urgent, true);
  assert.equal(back.values.note, '', 'an argument left out empties its input');
  assert.deepEqual(back.unknownNames, ['extra']);
});
