// Reading what a tools/call gave back, for the scripted assistant and the
// client panel alike: the text a person reads, the structured value, the
// workflow a start tool reports, and a call that failed at the protocol level.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A workflow run, as the chapter's start tools report it. */
export interface WorkflowRef {
  workflowId: string;
  runId: string;
}

/** A tools/call that got no result: a JSON-RPC error (the SDK's McpError) or no connection. */
export interface CallFailure {
  /** The JSON-RPC error code, when the server (or the SDK) answered with one. */
  code?: number;
  /** The code's name in the spec, e.g. "Invalid params". */
  codeName?: string;
  message: string;
}

/** How a tools/call ended: with a result (which may itself be an error, isError) or without one. */
export type CallOutcome = { result: CallToolResult } | { failure: CallFailure };

const CODE_NAMES: Record<number, string> = {
  [-32700]: 'Parse error',
  [-32600]: 'Invalid request',
  [-32601]: 'Method not found',
  [-32602]: 'Invalid params',
  [-32603]: 'Internal error',
  [-32000]: 'Connection closed',
  [-32001]: 'Request timed out',
};

/** The text content items joined, as the model would read them. */
export function resultText(result: CallToolResult): string {
  return result.content
    .map((item) => (item.type === 'text' ? item.text : `[${item.type}]`))
    .join('\n');
}

/**
 * The structured content, unwrapped: FastMCP reports a tool returning a plain
 * value (`-> str`) as `{"result": value}`.
 */
export function structuredValue(result: CallToolResult): unknown {
  const content = result.structuredContent;
  if (content && Object.keys(content).length === 1 && 'result' in content) return content.result;
  return content;
}

function refFrom(value: unknown): WorkflowRef | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const workflowId = v.workflow_id ?? v.workflowId;
  const runId = v.run_id ?? v.runId;
  return typeof workflowId === 'string' && workflowId && typeof runId === 'string' ? { workflowId, runId } : null;
}

/** The {workflow_id, run_id} a start tool returned: from its structured content, else from JSON in its text. */
export function workflowRefFrom(result: CallToolResult): WorkflowRef | null {
  const structured = refFrom(structuredValue(result));
  if (structured) return structured;
  for (const item of result.content) {
    if (item.type !== 'text') continue;
    try {
      const ref = refFrom(JSON.parse(item.text));
      if (ref) return ref;
    } catch {
      // plain text: look at the next item
    }
  }
  return null;
}

/** What went wrong with a call that threw; McpError carries the JSON-RPC code. */
export function describeCallFailure(error: unknown): CallFailure {
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return { message: raw };
  // McpError prefixes its message with "MCP error <code>: ", which the code field already says.
  return { code, codeName: CODE_NAMES[code], message: raw.replace(/^MCP error -?\d+: /, '') };
}

export function formatCallFailure(failure: CallFailure): string {
  if (failure.code === undefined) return failure.message;
  return `error ${failure.code}${failure.codeName ? ` (${failure.codeName})` : ''}: ${failure.message}`;
}

/** Waits for a call and keeps whichever way it ended. */
export async function outcomeOf(call: Promise<CallToolResult>): Promise<CallOutcome> {
  try {
    return { result: await call };
  } catch (error) {
    return { failure: describeCallFailure(error) };
  }
}
