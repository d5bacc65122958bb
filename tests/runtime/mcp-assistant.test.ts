// The scripted assistant (web/src/mcp/assistant.ts) and the tool-result
// helpers it shares with the client panel: which prompts become which tool
// calls, what it remembers between them, and the whole conversation against
// a fake connection that answers as the chapter's FastMCP server does.
//
//   node --import tsx --test tests/runtime/mcp-assistant.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  EXAMPLE_PROMPTS, GREETING, INTENTS, NOT_UNDERSTOOD, ScriptedAssistant, toolArguments, understand,
  type AssistantConnection, type ChatMessage, type Memory, type ToolInfo,
} from '../../web/src/mcp/assistant.ts';
import { describeCallFailure, formatCallFailure, resultText, structuredValue, workflowRefFrom } from '../../web/src/mcp/tool-result.ts';
import { DEFAULT_INVOICE } from '../../web/src/workspace/samples.ts';

const INVOICE_JSON = JSON.stringify(DEFAULT_INVOICE, null, 2);
const RUN = '5f0c7a52-1a7e-4c3b-9f53-2f6b8e0d3a11';
const WORKFLOW = 'invoice-0b1c2d3e-4f50-4617-8899-aabbccddeeff';
const memory: Memory = { invoice: { workflowId: WORKFLOW, runId: RUN } };

function intentOf(prompt: string, remembered: Memory = memory): string {
  const understood = understand(prompt, remembered);
  return understood.kind === 'reply' ? `reply: ${understood.text}` : understood.intent.tool;
}

test('the demo prompts, in any case and wording, map to their tools', () => {
  const cases: Array<[string, string]> = [
    [`Process this invoice for me: ${INVOICE_JSON}`, 'process_invoice'],
    [`please PROCESS this invoice: ${JSON.stringify(DEFAULT_INVOICE)}`, 'process_invoice'],
    [`Start the invoice {"invoice_id": "INV-2"}`, 'process_invoice'],
    ['What is the status of this invoice?', 'invoice_status'],
    ['what\u2019s the STATUS', 'invoice_status'],
    ['Approve this invoice', 'approve_invoice'],
    ['approve it.', 'approve_invoice'],
    ['Reject it', 'reject_invoice'],
    ['reject this invoice', 'reject_invoice'],
    ['Can you convert this amount into USD: {"amount": 250, "currency": "EUR"}', 'convert_currency'],
    ['confirm', 'confirm_database_add'],
    ['Confirm the database add', 'confirm_database_add'],
    ['Confirm that the converted amount has been added to the database', 'confirm_database_add'],
    ['what is the conversion amount', 'get_conversion_amount'],
  ];
  const remembered: Memory = { ...memory, conversion: { workflowId: 'convert-currency-1', runId: 'r' } };
  for (const [prompt, tool] of cases) assert.equal(intentOf(prompt, remembered), tool, prompt);
});

test('words inside the JSON do not choose the intent', () => {
  // "approve" and "status" appear only in the invoice's fields.
  const prompt = 'Process this invoice for me: {"invoice_id": "INV-7", "note": "approve fast", "status": "new"}';
  const understood = understand(prompt, {});
  assert.equal(understood.kind, 'start');
  assert.deepEqual(understood.kind === 'start' && understood.value, { invoice_id: 'INV-7', note: 'approve fast', status: 'new' });
});

test('malformed JSON is refused with the parser\u2019s message and no tool call', () => {
  const understood = understand('Process this invoice for me: {"invoice_id": "INV-100",}', {});
  assert.equal(understood.kind, 'reply');
  if (understood.kind !== 'reply') return;
  assert.equal(understood.tone, 'error');
  assert.match(understood.text, /^The invoice is not valid JSON \(.+\), so I did not call process_invoice\./);
  const array = understand('Process this invoice: [1, 2]', {});
  assert.match(array.kind === 'reply' ? array.text : '', /process_invoice takes the invoice as a JSON object/);
});

test('a start request without JSON asks for it, with the example', () => {
  const understood = understand('Process this invoice for me', {});
  assert.equal(understood.kind, 'reply');
  if (understood.kind !== 'reply') return;
  assert.equal(understood.tone, 'plain');
  assert.deepEqual(understood.examples, [INTENTS.find((intent) => intent.tool === 'process_invoice')!.example]);
});

test('an unrecognised prompt lists every example, and each example is understood', () => {
  const understood = understand('Tell me a joke', {});
  assert.deepEqual(understood, { kind: 'reply', text: NOT_UNDERSTOOD, tone: 'plain', examples: EXAMPLE_PROMPTS });
  assert.equal(EXAMPLE_PROMPTS.length, INTENTS.length);
  const remembered: Memory = { ...memory, conversion: { workflowId: 'convert-currency-1', runId: 'r' } };
  for (const intent of INTENTS) assert.equal(intentOf(intent.example, remembered), intent.tool, intent.example);
});

test('follow-ups use the remembered workflow of their own flow', () => {
  const both: Memory = { invoice: { workflowId: WORKFLOW, runId: RUN }, conversion: { workflowId: 'convert-currency-9', runId: 'run-9' } };
  const status = understand('What is the status of this invoice?', both);
  assert.deepEqual(status.kind === 'follow-up' && status.target, { workflowId: WORKFLOW, runId: RUN});
  const amount = understand('what is the conversion amount', both);
  assert.deepEqual(amount.kind === 'follow-up' && amount.target, { workflowId: 'convert-currency-9', runId: 'run-9'});
  // Nothing remembered for the invoice flow: the assistant says so and offers the start prompt.
  const none = understand('Approve this invoice', { conversion: both.conversion });
  assert.equal(none.kind, 'reply');
  assert.match(none.kind === 'reply' ? none.text : '', /do not know which invoice/);
});

test('a workflow ID named in the prompt wins over the remembered one', () => {
  const named = understand('What is the status of invoice-1234abcd?', memory);
  assert.deepEqual(named.kind === 'follow-up' && named.target, { workflowId: 'invoice-1234abcd', runId: '' });
  const withRun = understand(`approve workflow id: order-77 run ${RUN}`, memory);
  assert.deepEqual(withRun.kind === 'follow-up' && withRun.target, { workflowId: 'order-77', runId: RUN });
  // Naming the remembered workflow keeps its run.
  const same = understand(`status of ${WORKFLOW}.`, memory);
  assert.deepEqual(same.kind === 'follow-up' && same.target, { workflowId: WORKFLOW, runId: RUN });
  // "the workflow status" names no workflow; neither does the invoice's own ID.
  const plain = understand('what is the workflow status of INV-100', memory);
  assert.equal(plain.kind === 'follow-up' && plain.target.workflowId, WORKFLOW);
});

test('arguments fit the tool\u2019s input schema', () => {
  const start = understand('Can you convert this amount into USD: {"amount": 250, "currency": "EUR"}', {});
  assert.equal(start.kind, 'start');
  if (start.kind !== 'start') return;
  const schema = (properties: Record<string, object>): ToolInfo => ({ name: 'convert_currency', inputSchema: { type: 'object', properties } });
  assert.deepEqual(toolArguments(start, schema({ request: { type: 'object' } })), { request: { amount: 250, currency: 'EUR' } });
  assert.deepEqual(toolArguments(start, schema({ body: { type: 'object' } })), { body: { amount: 250, currency: 'EUR' } });
  // The original exercise's signature: the JSON's fields are the arguments.
  assert.deepEqual(toolArguments(start, schema({ amount: {}, from_currency: {}, to_currency: {} })), { amount: 250, currency: 'EUR' });
  const confirm = understand('confirm', { conversion: { workflowId: 'convert-currency-1', runId: 'r1' } });
  assert.equal(confirm.kind, 'follow-up');
  if (confirm.kind !== 'follow-up') return;
  assert.deepEqual(toolArguments(confirm, schema({ workflow_id: {}, run_id: {} })), { workflow_id: 'convert-currency-1', run_id: 'r1' });
  assert.deepEqual(toolArguments(confirm, schema({ workflow_id: {} })), { workflow_id: 'convert-currency-1' });
});

test('tool results: text, FastMCP\u2019s wrapped values, workflow refs, protocol errors', () => {
  const started: CallToolResult = {
    content: [{ type: 'text', text: JSON.stringify({ workflow_id: WORKFLOW, run_id: RUN }) }],
    structuredContent: { workflow_id: WORKFLOW, run_id: RUN },
  };
  assert.deepEqual(workflowRefFrom(started), { workflowId: WORKFLOW, runId: RUN });
  assert.deepEqual(workflowRefFrom({ content: started.content }), { workflowId: WORKFLOW, runId: RUN });
  assert.equal(workflowRefFrom({ content: [{ type: 'text', text: 'APPROVED' }] }), null);
  const wrapped: CallToolResult = { content: [{ type: 'text', text: 'APPROVED' }], structuredContent: { result: 'APPROVED' } };
  assert.equal(structuredValue(wrapped), 'APPROVED');
  assert.equal(resultText({ content: [{ type: 'text', text: 'a' }, { type: 'image', data: '', mimeType: 'image/png' }] }), 'a\n[image]');

  const mcpError = Object.assign(new Error('MCP error -32602: Unknown tool: nope'), { code: -32602 });
  assert.deepEqual(describeCallFailure(mcpError), { code: -32602, codeName: 'Invalid params', message: 'Unknown tool: nope' });
  assert.equal(formatCallFailure(describeCallFailure(mcpError)), 'error -32602 (Invalid params): Unknown tool: nope');
  assert.equal(formatCallFailure(describeCallFailure(new Error('Not connected'))), 'Not connected');
});

// ---- the conversation, against a fake connection ----

const WORKFLOW_ARGUMENTS: ToolInfo['inputSchema'] = {
  type: 'object', properties: { workflow_id: { type: 'string' }, run_id: { type: 'string' } }, required: ['workflow_id', 'run_id'],
};
const TOOLS: ToolInfo[] = [
  { name: 'process_invoice', inputSchema: { type: 'object', properties: { invoice: { type: 'object' } }, required: ['invoice'] } },
  ...['invoice_status', 'approve_invoice', 'reject_invoice'].map((name) => ({ name, inputSchema: WORKFLOW_ARGUMENTS })),
];

/** Answers like the chapter's server; records each call. */
class FakeConnection implements AssistantConnection {
  state: AssistantConnection['state'] = 'disconnected';
  tools: ToolInfo[] = [];
  connects = 0;
  calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  status = 'PENDING-APPROVAL';
  constructor(private readonly offered = TOOLS, private readonly failConnect = false) {}

  async connect(): Promise<void> {
    this.connects += 1;
    if (this.failConnect) throw new Error('The MCP server process did not start: SyntaxError');
    this.state = 'connected';
    this.tools = this.offered;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    this.calls.push({ name, args });
    const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }], structuredContent: { result: value } });
    switch (name) {
      case 'process_invoice': return { content: [{ type: 'text', text: JSON.stringify({ workflow_id: WORKFLOW, run_id: RUN }) }], structuredContent: { workflow_id: WORKFLOW, run_id: RUN } };
      case 'invoice_status': return text(`Invoice with ID ${args.workflow_id} is currently ${this.status}. Workflow status: RUNNING`);
      case 'approve_invoice': return text('APPROVED');
      case 'reject_invoice': return { content: [{ type: 'text', text: 'Error calling tool reject_invoice: workflow not found' }], isError: true };
      default: throw Object.assign(new Error(`MCP error -32602: Unknown tool: ${name}`), { code: -32602 });
    }
  }
}

/** Sends a prompt and answers its permission request, if one comes. */
async function ask(assistant: ScriptedAssistant, prompt: string, allow?: boolean): Promise<ChatMessage[]> {
  const before = assistant.messages.length;
  const answered = assistant.send(prompt);
  if (allow !== undefined) {
    await waitFor(() => assistant.messages.some((m) => m.from === 'tool-call' && m.decision === 'pending'));
    const pending = assistant.messages.find((m) => m.from === 'tool-call' && m.decision === 'pending')!;
    assistant.decide(pending.id, allow);
  }
  await answered;
  return assistant.messages.slice(before);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(condition(), 'condition never held');
}

const said = (messages: ChatMessage[]) => messages.flatMap((m) => (m.from === 'assistant' ? [m.text] : []));

test('the chapter\u2019s demo: connect on demand, ask, call, summarize, remember', async () => {
  const connection = new FakeConnection();
  const assistant = new ScriptedAssistant(connection);
  assert.equal(assistant.messages[0]!.from === 'assistant' && assistant.messages[0]!.text, GREETING);

  const started = await ask(assistant, `Process this invoice for me: ${INVOICE_JSON}`, true);
  assert.equal(connection.connects, 1);
  assert.deepEqual(started.map((m) => m.from), ['user', 'assistant', 'tool-call', 'assistant']);
  assert.match(said(started)[0]!, /not connected to the MCP server yet, so I am connecting/);
  const call = started[2]!;
  assert.ok(call.from === 'tool-call');
  assert.equal(call.tool, 'process_invoice');
  assert.deepEqual(call.args, { invoice: DEFAULT_INVOICE });
  assert.equal(call.decision, 'allowed');
  assert.ok(call.outcome && 'result' in call.outcome);
  const summary = started[3]!;
  assert.ok(summary.from === 'assistant');
  assert.equal(summary.text, `Started workflow ${WORKFLOW} (run ${RUN}). It is now waiting for approval: ask me for its status, or to approve or reject it.`);
  assert.deepEqual(summary.workflow, { workflowId: WORKFLOW, runId: RUN });
  assert.equal(assistant.busy, false);

  const status = await ask(assistant, 'What is the status of this invoice?', true);
  assert.equal(connection.connects, 1, 'already connected: no second connect');
  assert.deepEqual(connection.calls[1], { name: 'invoice_status', args: { workflow_id: WORKFLOW, run_id: RUN } });
  assert.deepEqual(said(status), ['The invoice is PENDING-APPROVAL; its workflow is RUNNING.']);

  const approved = await ask(assistant, 'Approve this invoice', true);
  assert.deepEqual(connection.calls[2], { name: 'approve_invoice', args: { workflow_id: WORKFLOW, run_id: RUN } });
  assert.match(said(approved)[0]!, /^Approval sent; the server answered APPROVED\./);
});

test('Deny: no call, and it says so', async () => {
  const connection = new FakeConnection();
  const assistant = new ScriptedAssistant(connection);
  const messages = await ask(assistant, `Process this invoice for me: ${INVOICE_JSON}`, false);
  assert.equal(connection.calls.length, 0);
  const call = messages.find((m) => m.from === 'tool-call');
  assert.equal(call?.from === 'tool-call' && call.decision, 'denied');
  assert.deepEqual(said(messages).slice(-1), ['All right: I did not call process_invoice.']);
  // Nothing was started, so there is nothing to approve.
  assert.match(said(await ask(assistant, 'Approve this invoice')).join(' '), /do not know which invoice/);
});

test('a tool the server does not list, a tool error, a protocol error, a failed connect', async () => {
  const missing = new ScriptedAssistant(new FakeConnection(TOOLS));
  const noTool = await ask(missing, 'Can you convert this amount into USD: {"amount": 1}');
  assert.match(said(noTool).join(' '), /has no convert_currency tool \(it offers: process_invoice, invoice_status, approve_invoice, reject_invoice\)/);
  assert.ok(!noTool.some((m) => m.from === 'tool-call'));

  const connection = new FakeConnection();
  const assistant = new ScriptedAssistant(connection);
  await ask(assistant, `Process this invoice for me: ${INVOICE_JSON}`, true);
  const rejected = await ask(assistant, 'reject it', true);
  const error = rejected.at(-1)!;
  assert.ok(error.from === 'assistant');
  assert.equal(error.tone, 'error');
  assert.equal(error.text, 'reject_invoice reported an error: Error calling tool reject_invoice: workflow not found');

  const oddTools = new FakeConnection([...TOOLS, { name: 'get_conversion_amount', inputSchema: { type: 'object' } }]);
  const odd = new ScriptedAssistant(oddTools);
  const failed = await ask(odd, 'what is the conversion amount of workflow convert-currency-3', true);
  assert.deepEqual(said(failed).at(-1),
    'The call to get_conversion_amount failed before the tool could answer: error -32602 (Invalid params): Unknown tool: get_conversion_amount');

  const down = new ScriptedAssistant(new FakeConnection(TOOLS, true));
  const refused = await ask(down, 'Approve workflow invoice-42');
  assert.match(said(refused).at(-1)!, /^I could not connect to the MCP server: The MCP server process did not start/);
});

test('one request at a time', async () => {
  const connection = new FakeConnection();
  const assistant = new ScriptedAssistant(connection);
  const first = assistant.send(`Process this invoice for me: ${INVOICE_JSON}`);
  await waitFor(() => assistant.messages.some((m) => m.from === 'tool-call'));
  assert.equal(assistant.busy, true);
  await assistant.send('Approve this invoice'); // ignored: the first still waits for Allow / Deny
  assert.equal(assistant.messages.filter((m) => m.from === 'user').length, 1);
  const pending = assistant.messages.find((m) => m.from === 'tool-call')!;
  assistant.decide(pending.id, true);
  await first;
  assert.equal(assistant.busy, false);
});

test('a prepared request waits for the view, once; the remembered invoice is the one follow-ups mean', async () => {
  const assistant = new ScriptedAssistant(new FakeConnection());
  let changes = 0;
  assistant.onChange(() => changes++);
  assert.equal(assistant.takePreparedRequest(), null);
  assistant.prepareRequest('What is the status of this invoice?');
  assert.equal(changes, 1, 'a mounted view hears of it at once');
  assert.equal(assistant.messages.length, 1, 'prepared, not sent');
  assert.equal(assistant.takePreparedRequest(), 'What is the status of this invoice?');
  assert.equal(assistant.takePreparedRequest(), null, 'taken once');

  assert.equal(assistant.remembered('invoice'), undefined);
  await ask(assistant, `Process this invoice for me: ${INVOICE_JSON}`, true);
  assert.deepEqual(assistant.remembered('invoice'), { workflowId: WORKFLOW, runId: RUN });
  assert.equal(assistant.remembered('conversion'), undefined);
});
