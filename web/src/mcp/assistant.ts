// The scripted assistant: the page's offline stand-in for Claude Desktop in
// the chapter's demo. It is not a language model. A small table of intents
// maps the demo's requests to the MCP server's tools; it remembers the last
// workflow each flow started so follow-ups ("approve this invoice") know
// which run they mean, and, as Claude Desktop does, it asks before each tool
// call. No DOM here: the view (web/src/ui/mcp/assistant-view.ts) renders the
// messages and forwards Allow / Deny.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_INVOICE, SAMPLE_CONVERSION_REQUEST } from '../workspace/samples.ts';
import type { McpConnectionState } from './connection.ts';
import { formatCallFailure, outcomeOf, resultText, workflowRefFrom, type CallOutcome, type WorkflowRef } from './tool-result.ts';

/** The two demos: the chapter's invoice approval and the exercise's currency conversion. */
export type Flow = 'invoice' | 'conversion';

/** The last workflow each flow started in this chat. */
export type Memory = Partial<Record<Flow, WorkflowRef>>;

interface IntentBase {
  /** The MCP tool that carries the intent out. */
  tool: string;
  flow: Flow;
  /** Tested against the request's words (the text before any JSON). */
  patterns: RegExp[];
  /** A request it understands, offered to the user as a suggestion. */
  example: string;
}

/** Starts a workflow from JSON given in the request. */
export interface StartIntent extends IntentBase {
  input: 'json';
  /** The tool's argument that takes the JSON. */
  argument: string;
  /** What the JSON is, for replies ("invoice"). */
  noun: string;
  summarize(started: WorkflowRef): string;
}

/** Acts on a workflow started earlier (or named in the request). */
export interface FollowUpIntent extends IntentBase {
  input: 'workflow';
  summarize(answer: string): string;
}

export type Intent = StartIntent | FollowUpIntent;

function summarizeStatus(answer: string): string {
  const invoice = /currently\s+([\w-]+)/i.exec(answer)?.[1];
  const workflow = /workflow status:\s*(\w+)/i.exec(answer)?.[1];
  if (!invoice || !workflow) return `The server answered: ${answer}`;
  const closed = workflow !== 'RUNNING' ? ' The workflow has closed, and its query still answers.' : '';
  return `The invoice is ${invoice}; its workflow is ${workflow}.${closed}`;
}

/** Checked in order: the first intent with a matching pattern wins. */
export const INTENTS: readonly Intent[] = [
  {
    tool: 'process_invoice', flow: 'invoice', input: 'json', argument: 'invoice', noun: 'invoice',
    patterns: [/\bprocess\b/i, /\b(start|submit|handle|pay)\b[\s\S]*\binvoice\b/i],
    example: `Process this invoice for me: ${JSON.stringify(DEFAULT_INVOICE, null, 2)}`,
    summarize: (started) => `Started workflow ${started.workflowId} (run ${started.runId}). ` +
      'It is now waiting for approval: ask me for its status, or to approve or reject it.',
  },
  {
    tool: 'convert_currency', flow: 'conversion', input: 'json', argument: 'request', noun: 'conversion request',
    patterns: [/\bconvert\b/i],
    example: `Can you convert this amount into USD: ${JSON.stringify(SAMPLE_CONVERSION_REQUEST)}`,
    summarize: (started) => `Started workflow ${started.workflowId} (run ${started.runId}). ` +
      'Ask me for the conversion amount, or tell me to confirm the database add.',
  },
  {
    tool: 'confirm_database_add', flow: 'conversion', input: 'workflow',
    patterns: [/\bconfirm\b/i],
    example: 'Confirm the database add',
    summarize: (answer) => `Confirmed. The server answered: ${answer}`,
  },
  {
    tool: 'get_conversion_amount', flow: 'conversion', input: 'workflow',
    patterns: [/\b(conversion|converted)\s+amount\b/i, /\bhow much\b/i],
    example: 'What is the conversion amount?',
    summarize: (answer) => `The conversion amount is ${answer}.`,
  },
  {
    tool: 'invoice_status', flow: 'invoice', input: 'workflow',
    patterns: [/\bstatus\b/i, /\bprogress\b/i],
    example: 'What is the status of this invoice?',
    summarize: summarizeStatus,
  },
  {
    tool: 'approve_invoice', flow: 'invoice', input: 'workflow',
    patterns: [/\bapprov(e|al)\b/i],
    example: 'Approve this invoice',
    summarize: (answer) => `Approval sent; the server answered ${answer}. The workflow records the signal in its history and goes on to pay.`,
  },
  {
    tool: 'reject_invoice', flow: 'invoice', input: 'workflow',
    patterns: [/\breject(ion)?\b/i, /\bdecline\b/i],
    example: 'Reject it',
    summarize: (answer) => `Rejection sent; the server answered ${answer}. The workflow records the signal in its history and ends without paying.`,
  },
];

export const EXAMPLE_PROMPTS: readonly string[] = INTENTS.map((intent) => intent.example);

export type Understanding =
  | { kind: 'start'; intent: StartIntent; value: Record<string, unknown> }
  | { kind: 'follow-up'; intent: FollowUpIntent; target: WorkflowRef }
  | { kind: 'reply'; text: string; tone: Tone; examples: readonly string[] };

/** A request that needs a tool call. */
export type ToolRequest = Exclude<Understanding, { kind: 'reply' }>;

export type Tone = 'plain' | 'error';

// A workflow ID in the request: after the word "workflow" ("workflow id: x-1"),
// or in the shape the chapter's tools make ("invoice-<uuid>"). Either way it
// must hold a digit or hyphen, so "the workflow status" names no workflow.
const WORKFLOW_ID_PATTERNS = [
  /\bworkflow(?:[ _-]?id)?\s*[:=]?\s*(\w[\w.:-]*[\d-][\w.:-]*)/i,
  /\b((?:invoice|convert-currency|conversion)-[\w.-]*\d[\w.-]*)/i,
];
const RUN_ID_PATTERN = /\brun(?:[ _-]?id)?\s*[:=]?\s*(\w[\w-]*\d[\w-]*)/i;

function named(pattern: RegExp, prompt: string): string | undefined {
  return pattern.exec(prompt)?.[1]?.replace(/[.:-]+$/, '');
}

/** The workflow a follow-up means: one named in the request wins over the one remembered. */
function targetFor(prompt: string, remembered: WorkflowRef | undefined): WorkflowRef | null {
  const workflowId = WORKFLOW_ID_PATTERNS.map((pattern) => named(pattern, prompt)).find((id) => id !== undefined);
  if (workflowId === undefined) return remembered ?? null;
  // Without a run ID (and not the remembered workflow), '' asks for the latest run.
  const runId = named(RUN_ID_PATTERN, prompt) ?? (remembered?.workflowId === workflowId ? remembered.runId : '');
  return { workflowId, runId };
}

function reply(text: string, tone: Tone = 'plain', examples: readonly string[] = []): Understanding {
  return { kind: 'reply', text, tone, examples };
}

export const NOT_UNDERSTOOD =
  'I did not recognise that request. I am a scripted stand-in, not a language model, so I only understand requests like these:';

/** The request's words without IDs ("convert-currency-3", "INV-100"), which must not choose the intent. */
function wordsOf(text: string): string {
  return text.split(/\s+/).filter((token) => !(/\d/.test(token) && token.includes('-'))).join(' ');
}

/** What a request asks for, before any tool is looked at. */
export function understand(prompt: string, memory: Memory): Understanding {
  const jsonStart = prompt.search(/[{[]/);
  const words = wordsOf(jsonStart < 0 ? prompt : prompt.slice(0, jsonStart));
  const intent = INTENTS.find((candidate) => candidate.patterns.some((pattern) => pattern.test(words)));
  if (!intent) return reply(NOT_UNDERSTOOD, 'plain', EXAMPLE_PROMPTS);

  if (intent.input === 'json') {
    if (jsonStart < 0) return reply(`Please give the ${intent.noun} as JSON after your request, like this:`, 'plain', [intent.example]);
    let value: unknown;
    try {
      value = JSON.parse(prompt.slice(jsonStart));
    } catch (error) {
      return reply(`The ${intent.noun} is not valid JSON (${(error as Error).message}), so I did not call ${intent.tool}. ` +
        'Check the quotes, commas and brackets, and send it again.', 'error');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return reply(`${intent.tool} takes the ${intent.noun} as a JSON object ({ ... }), so I did not call it.`, 'error');
    }
    return { kind: 'start', intent, value: value as Record<string, unknown> };
  }

  const target = targetFor(prompt, memory[intent.flow]);
  if (!target) {
    const start = INTENTS.find((candidate) => candidate.flow === intent.flow && candidate.input === 'json')!;
    return reply(`I do not know which ${intent.flow} you mean: none was started in this chat. ` +
      `Start one first, or name its workflow ID in your request.`, 'plain', [start.example]);
  }
  return { kind: 'follow-up', intent, target };
}

/** A tool as the assistant needs it: its name and input schema. */
export type ToolInfo = Pick<Tool, 'name' | 'inputSchema'>;

/** The call's arguments, fitted to the tool's input schema where it names them differently. */
export function toolArguments(request: ToolRequest, tool: ToolInfo): Record<string, unknown> {
  const names = Object.keys(tool.inputSchema.properties ?? {});
  if (request.kind === 'start') {
    const { argument } = request.intent;
    if (names.length === 0 || names.includes(argument)) return { [argument]: request.value };
    if (names.length === 1) return { [names[0]!]: request.value };
    return request.value; // the tool takes the JSON's fields as its own arguments
  }
  const args = { workflow_id: request.target.workflowId, run_id: request.target.runId };
  // Some versions of a tool take the workflow ID alone.
  return names.length === 0 ? args : Object.fromEntries(Object.entries(args).filter(([name]) => names.includes(name)));
}

/** What the assistant needs of the page's McpConnection. */
export interface AssistantConnection {
  readonly state: McpConnectionState;
  readonly tools: readonly ToolInfo[];
  connect(): Promise<void>;
  callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

export type ChatMessage =
  | { id: number; from: 'user'; text: string }
  | { id: number; from: 'assistant'; text: string; tone: Tone; examples: readonly string[]; workflow?: WorkflowRef }
  | { id: number; from: 'tool-call'; tool: string; args: Record<string, unknown>; decision: 'pending' | 'allowed' | 'denied'; outcome?: CallOutcome };

/** Omit applied to each member of a union (a distributive conditional type). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message before it gets its id. */
type NewMessage = OmitEach<ChatMessage, 'id'>;

export const GREETING =
  'I am a scripted stand-in for Claude Desktop, not a language model: I follow a fixed script for the chapter\u2019s demo, ' +
  'turning a few kinds of request into calls to the MCP server\u2019s tools, and I ask before each call. I understand requests like these:';

export class ScriptedAssistant {
  /** The conversation, oldest first. A message is replaced (never mutated) when it changes. */
  readonly messages: ChatMessage[] = [];
  /** True from a request until its answer is complete (including a pending Allow / Deny). */
  busy = false;
  readonly #memory: Memory = {};
  readonly #decisions = new Map<number, (allow: boolean) => void>();
  readonly #listeners = new Set<() => void>();
  #nextId = 1;
  #prepared: string | null = null;

  constructor(private readonly connection: AssistantConnection) {
    this.#say(GREETING, 'plain', EXAMPLE_PROMPTS);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last workflow the flow started in this chat: the one "this invoice" means. */
  remembered(flow: Flow): WorkflowRef | undefined {
    return this.#memory[flow];
  }

  /**
   * Offers a request for the request box without sending it: an instructor's
   * demo step prepares the chapter's prompt, and the presenter presses Send in
   * view of the room, as they would type it into Claude Desktop.
   */
  prepareRequest(text: string): void {
    this.#prepared = text;
    this.#emit();
  }

  /** The prepared request, once: the view moves it into its request box. */
  takePreparedRequest(): string | null {
    const text = this.#prepared;
    this.#prepared = null;
    return text;
  }

  /** Answers one request; ignored while the previous one is still being answered. */
  async send(prompt: string): Promise<void> {
    const text = prompt.trim();
    if (!text || this.busy) return;
    this.busy = true;
    try {
      await this.#answer(text);
    } finally {
      this.busy = false;
      this.#emit();
    }
  }

  /** The user's answer to a tool call waiting for permission. */
  decide(messageId: number, allow: boolean): void {
    const resolve = this.#decisions.get(messageId);
    this.#decisions.delete(messageId);
    resolve?.(allow);
  }

  async #answer(prompt: string): Promise<void> {
    this.#add({ from: 'user', text: prompt });
    const request = understand(prompt, this.#memory);
    if (request.kind === 'reply') {
      this.#say(request.text, request.tone, request.examples);
      return;
    }
    const { intent } = request;
    if (this.connection.state !== 'connected') {
      this.#say('I am not connected to the MCP server yet, so I am connecting to it first.');
      try {
        await this.connection.connect();
      } catch (error) {
        this.#say(`I could not connect to the MCP server: ${(error as Error).message}`, 'error');
        return;
      }
    }
    const tool = this.connection.tools.find((candidate) => candidate.name === intent.tool);
    if (!tool) {
      const offered = this.connection.tools.map((candidate) => candidate.name).join(', ') || 'none';
      this.#say(`The connected MCP server has no ${intent.tool} tool (it offers: ${offered}), so I cannot do that. ` +
        'Add the tool to the server\u2019s code and restart the MCP server.', 'error');
      return;
    }

    const args = toolArguments(request, tool);
    const call = this.#add({ from: 'tool-call', tool: tool.name, args, decision: 'pending' });
    const allowed = await new Promise<boolean>((resolve) => this.#decisions.set(call.id, resolve));
    this.#replace(call.id, { decision: allowed ? 'allowed' : 'denied' });
    if (!allowed) {
      this.#say(`All right: I did not call ${tool.name}.`);
      return;
    }
    const outcome = await outcomeOf(this.connection.callTool(tool.name, args));
    this.#replace(call.id, { outcome });
    this.#report(request, outcome);
  }

  /** One sentence on what the call did. */
  #report(request: ToolRequest, outcome: CallOutcome): void {
    const { intent } = request;
    if ('failure' in outcome) {
      this.#say(`The call to ${intent.tool} failed before the tool could answer: ${formatCallFailure(outcome.failure)}`, 'error');
      return;
    }
    const answer = resultText(outcome.result);
    if (outcome.result.isError) {
      this.#say(`${intent.tool} reported an error: ${answer}`, 'error');
      return;
    }
    if (request.kind === 'follow-up') {
      this.#say(request.intent.summarize(answer), 'plain', [], request.target);
      return;
    }
    const started = workflowRefFrom(outcome.result);
    if (!started) {
      this.#say(`${intent.tool} answered, but I found no workflow_id and run_id in its result, so I cannot follow up on it.`, 'error');
      return;
    }
    this.#memory[intent.flow] = started;
    this.#say(request.intent.summarize(started), 'plain', [], started);
  }

  #say(text: string, tone: Tone = 'plain', examples: readonly string[] = [], workflow?: WorkflowRef): void {
    this.#add({ from: 'assistant', text, tone, examples, ...(workflow ? { workflow } : {}) });
  }

  #add<M extends NewMessage>(fields: M): M & { id: number } {
    const message = { ...fields, id: this.#nextId++ };
    this.messages.push(message as ChatMessage);
    this.#emit();
    return message;
  }

  #replace(id: number, changes: Partial<Extract<ChatMessage, { from: 'tool-call' }>>): void {
    const index = this.messages.findIndex((message) => message.id === id);
    this.messages[index] = { ...this.messages[index], ...changes } as ChatMessage;
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
