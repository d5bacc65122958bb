// A tools/call's outcome as the client panel and the assistant show it: each
// content item (text as text), the structured content as pretty JSON, a tool
// error (isError) and a protocol error (JSON-RPC code and message) each in
// the error style.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { formatCallFailure, type CallOutcome } from '../../mcp/tool-result.ts';
import { h } from '../dom.ts';

type ContentItem = CallToolResult['content'][number];

export const prettyJson = (value: unknown): string => JSON.stringify(value, null, 2) ?? String(value);

function contentItem(item: ContentItem): HTMLElement {
  if (item.type === 'text') return h('pre', { class: 'mcp-code mcp-result-text' }, item.text);
  // The page's CSP allows data: images, and an <img> runs nothing.
  if (item.type === 'image') return h('img', { class: 'mcp-result-image', src: `data:${item.mimeType};base64,${item.data}`, alt: 'image returned by the tool' });
  return h('pre', { class: 'mcp-code' }, prettyJson(item));
}

export function renderCallOutcome(outcome: CallOutcome): HTMLElement {
  if ('failure' in outcome) {
    return h('div', { class: 'mcp-result mcp-result-error', 'data-outcome': 'protocol-error' },
      h('p', { class: 'mcp-result-label' }, 'Protocol error: the call got no result'),
      h('pre', { class: 'mcp-code' }, formatCallFailure(outcome.failure)),
    );
  }
  const { result } = outcome;
  const structured = result.structuredContent;
  return h('div', { class: `mcp-result${result.isError ? ' mcp-result-error' : ''}`, 'data-outcome': result.isError ? 'tool-error' : 'result' },
    h('p', { class: 'mcp-result-label' }, result.isError ? 'The tool reported an error (isError: true)' : 'Result'),
    ...result.content.map(contentItem),
    structured !== undefined && h('p', { class: 'mcp-result-label' }, 'Structured content'),
    structured !== undefined && h('pre', { class: 'mcp-code mcp-result-structured' }, prettyJson(structured)),
  );
}
