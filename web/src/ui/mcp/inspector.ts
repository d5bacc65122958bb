// The client panel, in the spirit of the MCP Inspector: the server's tools,
// a form generated from the chosen tool's inputSchema, a Call button and the
// result. What was typed and the last result of each tool live in an
// InspectorSession that outlives the view.
import type { McpConnection, Tool } from '../../mcp/connection.ts';
import { fieldsFromSchema, initialValues } from '../../mcp/schema-fields.ts';
import { outcomeOf, type CallOutcome } from '../../mcp/tool-result.ts';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { renderCallOutcome } from './result-view.ts';
import { mountSchemaForm, type FormState } from './schema-form.ts';

interface ToolDraft {
  /** The inputSchema the form was made for: a server that changed the tool gets a fresh form. */
  schemaKey: string;
  form: FormState;
  last?: { outcome: CallOutcome; durationMs: number };
}

/** The panel's state for the page session. */
export class InspectorSession {
  selected: string | null = null;
  readonly drafts = new Map<string, ToolDraft>();

  draftFor(tool: Tool): ToolDraft {
    const schemaKey = JSON.stringify(tool.inputSchema);
    let draft = this.drafts.get(tool.name);
    if (!draft || draft.schemaKey !== schemaKey) {
      draft = { schemaKey, form: { values: initialValues(fieldsFromSchema(tool.inputSchema)), raw: false, rawText: '' } };
      this.drafts.set(tool.name, draft);
    }
    return draft;
  }
}

export function mountInspector(connection: McpConnection, session: InspectorSession): { element: HTMLElement } & Disposable {
  let disposed = false;
  const list = h('ul', { class: 'mcp-tool-list', 'aria-label': 'Tools' });
  const listMessage = h('p', { class: 'mcp-hint', role: 'status' });
  const refresh = h('button', {
    type: 'button', class: 'small',
    onclick: async () => {
      listMessage.textContent = '';
      try {
        await connection.listTools();
      } catch (error) {
        if (!disposed) listMessage.textContent = `tools/list failed: ${errorMessage(error)}`;
      }
    },
  }, 'List tools');
  const detail = h('div', { class: 'mcp-tool-detail' });
  const element = h('section', { class: 'panel mcp-inspector', 'aria-labelledby': 'mcp-inspector-title' },
    h('h2', { id: 'mcp-inspector-title' }, 'Client'),
    h('p', { class: 'mcp-hint' }, 'Call the server\u2019s tools yourself, as the MCP Inspector does: pick a tool, fill in its arguments, call it.'),
    h('div', { class: 'mcp-tools-head' }, h('h3', {}, 'Tools'), refresh),
    listMessage, list, detail,
  );

  let shownTools: Tool[] | null = null;
  let shownTool: Tool | null = null;

  const renderList = () => {
    refresh.disabled = connection.state !== 'connected';
    if (connection.tools === shownTools) return;
    listMessage.textContent = connection.state === 'connected'
      ? (connection.tools.length ? '' : 'The server lists no tools.')
      : 'Connect to the MCP server to list its tools.';
    shownTools = connection.tools;
    list.replaceChildren(...connection.tools.map((tool) => h('li', {},
      h('button', {
        type: 'button', class: 'mcp-tool', 'aria-pressed': String(tool.name === session.selected), 'data-tool': tool.name,
        onclick: () => { session.selected = tool.name; render(); },
      }, h('strong', {}, tool.name), h('small', {}, tool.description ?? '')))));
  };

  const renderDetail = () => {
    const tool = connection.tools.find((candidate) => candidate.name === session.selected) ?? null;
    for (const button of list.querySelectorAll<HTMLButtonElement>('button.mcp-tool')) {
      button.setAttribute('aria-pressed', String(button.dataset.tool === session.selected));
    }
    if (tool === shownTool) return;
    shownTool = tool;
    if (!tool) {
      detail.replaceChildren();
      return;
    }
    const draft = session.draftFor(tool);
    const result = h('div', { class: 'mcp-call-result', 'aria-live': 'polite' });
    const showLast = () => {
      result.replaceChildren(...(draft.last
        ? [h('p', { class: 'mcp-hint' }, `Last call: ${Math.round(draft.last.durationMs)} ms`), renderCallOutcome(draft.last.outcome)]
        : []));
    };
    const form = mountSchemaForm({
      idPrefix: `mcp-tool-${tool.name}`,
      fields: fieldsFromSchema(tool.inputSchema),
      state: draft.form,
      onSubmit: async (args) => {
        const started = performance.now();
        const outcome = await outcomeOf(connection.callTool(tool.name, args));
        draft.last = { outcome, durationMs: performance.now() - started };
        if (!disposed) showLast();
      },
    });
    showLast();
    detail.replaceChildren(
      h('h3', {}, h('code', {}, tool.name)),
      ...(tool.description ? [h('p', { class: 'mcp-tool-description' }, tool.description)] : []),
      form, result,
    );
  };

  const render = () => {
    renderList();
    renderDetail();
  };
  const off = connection.onChange(render);
  render();
  return {
    element,
    dispose() {
      disposed = true;
      off();
    },
  };
}
