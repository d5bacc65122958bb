// The JSON-RPC transcript (web/src/mcp/transcript.ts) as its listeners see
// it: the transcript view draws each entry once, when it is announced, so a
// response must already be paired with its request by then.
//
//   node --import tsx --test tests/runtime/mcp-transcript.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transcript, type TranscriptEntry } from '../../web/src/mcp/transcript.ts';

test('a listener sees each response already paired, with its method and duration', () => {
  const transcript = new Transcript();
  const seen: TranscriptEntry[] = [];
  transcript.onEntry((entry) => seen.push({ ...entry }));
  transcript.beginSession('connecting');
  transcript.record('sent', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
  transcript.record('received', JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [] } }));
  transcript.record('received', 'not json');

  assert.deepEqual(seen.map((entry) => entry.kind), ['note', 'request', 'response', 'invalid']);
  const [, request, response] = seen;
  assert.equal(response!.pairedSeq, request!.seq);
  assert.equal(response!.method, 'tools/list');
  assert.equal(typeof response!.durationMs, 'number');
  // The request learns its pair later; the transcript's own entry has it.
  assert.equal(transcript.find(request!.seq)!.pairedSeq, response!.seq);
});
