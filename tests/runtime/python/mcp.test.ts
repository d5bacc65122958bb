// The MCP server process under Node: Pyodide runs the chapter's
// mcp_servers/invoice.py (FastMCP) with the in-page transport, and the
// official MCP TypeScript SDK Client talks to it over a MessagePort, exactly
// as the page does; a Python worker runs the chapter's InvoiceWorkflow
// against a ServerHost on engine.wasm. Also the exercise's currency server,
// and raw JSON-RPC to check the error codes the spec names.
//
//   node --experimental-wasm-stack-switching --import tsx --test tests/runtime/python/mcp.test.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readLabs } from '../../../web/src/labs/node.ts';
import { MessagePortTransport } from '../../../web/src/mcp/message-port-transport.ts';
import { CLOSED, type McpPortMessage } from '../../../web/src/mcp/port-protocol.ts';
import { createNodePythonProcess } from '../../../web/src/processes/node.ts';
import type { ProcessEvent } from '../../../web/src/processes/protocol.ts';
import { ServerHost } from '../../../web/src/server/host.ts';
import { loadEngineModuleNode } from '../../../web/src/server/node.ts';
import { MemoryBatchStore } from '../../../web/src/server/store/memory-store.ts';
import { chapterFiles, decode, eventTypes, history, waitForEvent, INVOICE, type Call } from './chapter.ts';

const engine = await loadEngineModuleNode();
const repo = new URL('../../../', import.meta.url);
const INVOICE_SERVER = 'mcp_servers/invoice.py';

async function server(t: { after(fn: () => Promise<void>): void }) {
  const host = new ServerHost({ engine, store: new MemoryBatchStore(), engineOptions: { longPollTimeoutMs: 5_000 } });
  await host.open();
  t.after(() => host.close());
  return host;
}

/** A Python process on `files` running `entry`; with `mcp`, an MCP server whose client end is `clientPort`. */
function python(host: ServerHost, files: Record<string, string>, entry: string, mcp = false) {
  const events: ProcessEvent[] = [];
  const channel = mcp ? new MessageChannel() : null;
  const process = createNodePythonProcess({ files, entry, rpc: host, mcpPort: channel?.port2, onEvent: (e) => events.push(e) });
  const exited = process.run();
  const ready = new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (events.some((e) => e.type === 'progress' && e.stage === 'ready')) resolve();
      else if (process.exitInfo) reject(new Error(`${entry} exited: ${JSON.stringify(process.exitInfo)} ${stderr()}`));
      else return;
      clearInterval(check);
    }, 20);
  });
  const stderr = () => events.filter((e) => e.type === 'output' && e.stream === 'stderr').map((e) => (e as { text: string }).text).join('\n');
  const stop = async () => {
    channel?.port1.close();
    await process.stop();
    process.dispose();
  };
  return { process, exited, ready, events, stderr, stop, clientPort: channel?.port1 };
}

async function connect(port: MessagePort): Promise<{ client: Client; transport: MessagePortTransport }> {
  const transport = new MessagePortTransport(port);
  const client = new Client({ name: 'durable-lab-test', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(transport);
  return { client, transport };
}

const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');

async function waitForStatus(client: Client, args: Record<string, unknown>, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const said = text((await client.callTool({ name: 'invoice_status', arguments: args })) as CallToolResult);
    if (pattern.test(said)) return said;
    if (Date.now() > end) throw new Error(`invoice_status never matched ${pattern}: ${said}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the official MCP client runs the chapter tool sequence against mcp_servers/invoice.py, across an MCP server restart', async (t) => {
  const host = await server(t);
  const call: Call = (method, request) => host.call(method, request);
  const files = chapterFiles();
  files[INVOICE_SERVER] = readFileSync(new URL(`web/src/workspace/chapter/${INVOICE_SERVER}`, repo), 'utf8');
  const worker = python(host, files, 'worker.py');
  t.after(() => worker.stop());
  let mcp = python(host, files, INVOICE_SERVER, true);
  await Promise.all([worker.ready, mcp.ready]);
  let { client, transport } = await connect(mcp.clientPort!);

  // The handshake: the newest revision both speak, the server's name, tools only.
  assert.equal(transport.protocolVersion, '2025-11-25');
  assert.equal(client.getServerVersion()?.name, 'invoice');
  assert.ok(client.getServerCapabilities()?.tools);

  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['approve_invoice', 'invoice_status', 'process_invoice', 'reject_invoice']);
  const processTool = tools.find((tool) => tool.name === 'process_invoice')!;
  assert.equal(processTool.inputSchema.type, 'object');
  assert.deepEqual(processTool.inputSchema.required, ['invoice']);
  assert.equal((processTool.inputSchema.properties as Record<string, { type?: string }>).invoice?.type, 'object');
  assert.match(processTool.description ?? '', /InvoiceWorkflow/);
  for (const name of ['approve_invoice', 'reject_invoice', 'invoice_status']) {
    const tool = tools.find((candidate) => candidate.name === name)!;
    assert.deepEqual([...(tool.inputSchema.required ?? [])].sort(), ['run_id', 'workflow_id'], name);
  }

  // process_invoice starts InvoiceWorkflow: structured {workflow_id, run_id}, checked by the client against outputSchema.
  const started = (await client.callTool({ name: 'process_invoice', arguments: { invoice: INVOICE } })) as CallToolResult;
  assert.ok(!started.isError, text(started));
  const ids = started.structuredContent as { workflow_id: string; run_id: string };
  assert.match(ids.workflow_id, /^invoice-[0-9a-f-]{36}$/);
  assert.ok(ids.run_id);
  assert.deepEqual(JSON.parse(text(started)), ids);
  await waitForEvent(call, ids.workflow_id, 'TIMER_STARTED');

  assert.match(await waitForStatus(client, ids, /PENDING-APPROVAL/),
    new RegExp(`^Invoice with ID ${ids.workflow_id} is currently PENDING-APPROVAL\\. Workflow status: RUNNING$`));

  // "Quit Claude Desktop": the MCP server process goes away; the workflow does not.
  await client.close();
  await mcp.stop();
  assert.ok(eventTypes(await history(call, ids.workflow_id)).includes('TIMER_STARTED'));
  mcp = python(host, files, INVOICE_SERVER, true);
  t.after(() => mcp.stop());
  await mcp.ready;
  ({ client } = await connect(mcp.clientPort!));

  const approved = (await client.callTool({ name: 'approve_invoice', arguments: ids })) as CallToolResult;
  assert.equal(text(approved), 'APPROVED');
  const done = await waitForEvent(call, ids.workflow_id, 'WORKFLOW_EXECUTION_COMPLETED');
  assert.ok(eventTypes(done).includes('WORKFLOW_EXECUTION_SIGNALED'));
  const completed = done.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  assert.equal(decode(completed.workflowExecutionCompletedEventAttributes.result.payloads[0]), 'PAID');
  // A query still answers on the completed workflow.
  assert.equal(await waitForStatus(client, ids, /COMPLETED/),
    `Invoice with ID ${ids.workflow_id} is currently PAID. Workflow status: COMPLETED`);

  // A tool that raises (no such workflow) is a result with isError, and the server goes on serving.
  const missing = (await client.callTool({ name: 'approve_invoice', arguments: { workflow_id: 'invoice-nope', run_id: '' } })) as CallToolResult;
  assert.equal(missing.isError, true);
  assert.match(text(missing), /approve_invoice.*invoice-nope/s);
  await client.ping();
  await client.close();
});

test('the exercise: convert_currency, get_conversion_amount and confirm_database_add drive CurrencyConversionWorkflow', async (t) => {
  const host = await server(t);
  const call: Call = (method, request) => host.call(method, request);
  // The lab's solution as the catalogue gives it: solution/ over starter/.
  const files = readLabs().labs.find((lab) => lab.id === '07-currency-exercise')!.solution;
  const worker = python(host, files, 'worker.py');
  t.after(() => worker.stop());
  const mcp = python(host, files, 'mcp_servers/currency.py', true);
  t.after(() => mcp.stop());
  await Promise.all([worker.ready, mcp.ready]);
  const { client } = await connect(mcp.clientPort!);

  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['confirm_database_add', 'convert_currency', 'get_conversion_amount']);
  const convert = tools.find((tool) => tool.name === 'convert_currency')!;
  assert.deepEqual(convert.inputSchema.required, ['request']);
  assert.equal((convert.inputSchema.properties as Record<string, { type?: string }>).request?.type, 'object');

  const started = (await client.callTool({ name: 'convert_currency', arguments: { request: { amount: 250, currency: 'EUR' } } })) as CallToolResult;
  assert.ok(!started.isError, text(started));
  const ids = started.structuredContent as { workflow_id: string; run_id: string };
  await waitForEvent(call, ids.workflow_id, 'ACTIVITY_TASK_COMPLETED');
  const amount = text((await client.callTool({ name: 'get_conversion_amount', arguments: ids })) as CallToolResult);
  assert.match(amount, /USD/);
  const confirmed = (await client.callTool({ name: 'confirm_database_add', arguments: ids })) as CallToolResult;
  assert.ok(!confirmed.isError, text(confirmed));
  const done = await waitForEvent(call, ids.workflow_id, 'WORKFLOW_EXECUTION_COMPLETED');
  assert.ok(eventTypes(done).includes('WORKFLOW_EXECUTION_SIGNALED'));
  await client.close();
});

test('raw JSON-RPC to the Python server: the handshake negotiation and the error codes the spec names', async (t) => {
  const host = await server(t);
  const files = { ...chapterFiles(), [INVOICE_SERVER]: readFileSync(new URL(`web/src/workspace/chapter/${INVOICE_SERVER}`, repo), 'utf8') };
  const mcp = python(host, files, INVOICE_SERVER, true);
  t.after(() => mcp.stop());
  await mcp.ready;
  const port = mcp.clientPort!;
  const replies: any[] = [];
  port.addEventListener('message', (event: MessageEvent<McpPortMessage>) => {
    if (typeof event.data === 'string') replies.push(JSON.parse(event.data));
  });
  port.start();
  const send = (message: string) => port.postMessage(message satisfies McpPortMessage);
  const reply = async (id: unknown) => {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = replies.find((r) => r.id === id);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no reply with id ${JSON.stringify(id)}: ${JSON.stringify(replies)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const errorCode = async (id: unknown) => (await reply(id)).error?.code;

  send('{"jsonrpc": "2.0", "id": 1, "method": "tools/list"');                  // not JSON
  assert.equal(await errorCode(null), -32700);
  replies.length = 0;
  send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));         // before initialize
  assert.equal(await errorCode(2), -32600);
  send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }));               // ping is always answered
  assert.deepEqual((await reply(3)).result, {});
  send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'initialize', params: { protocolVersion: '1.0.0', capabilities: {}, clientInfo: { name: 't', version: '1' } } }));
  const unsupported = await reply(4);
  assert.equal(unsupported.error.code, -32602);
  assert.equal(unsupported.error.data.requested, '1.0.0');
  assert.ok(unsupported.error.data.supported.includes('2025-06-18'));
  send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'initialize', params: { protocolVersion: '2099-01-01', capabilities: {}, clientInfo: { name: 't', version: '1' } } }));
  assert.equal((await reply(5)).result.protocolVersion, '2025-11-25');             // negotiated down to ours
  send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'no/such/method' }));
  assert.equal(await errorCode(6), -32601);
  send(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'ping' }));
  assert.equal(await errorCode(7), -32600);
  send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }));
  assert.equal(await errorCode(8), -32602);
  send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: [] }));
  assert.equal(await errorCode(9), -32602);
  send(JSON.stringify([{ jsonrpc: '2.0', id: 10, method: 'ping' }]));
  assert.equal(await errorCode(null), -32600);
  // A missing argument is a tool error the model can correct, not a protocol error.
  send(JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'approve_invoice', arguments: { workflow_id: 'x' } } }));
  const invalid = await reply(11);
  assert.equal(invalid.result.isError, true);
  assert.match(invalid.result.content[0].text, /run_id/);

  // Closing the connection ends `mcp.run()`: the process exits as a stdio server does at end of input.
  port.postMessage(CLOSED);
  assert.deepEqual(await mcp.exited, { code: 0, reason: 'completed' });
});
